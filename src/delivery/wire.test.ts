import { once } from 'node:events'
import type { AddressInfo, Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import WebSocket, * as wsModule from 'ws'
import { WebSocketServer } from 'ws'
import { encodeWsText, PreparedControl, PreparedEvent } from './wire.js'

/** `ws`'s frame parser; exported at run time but missing from @types/ws. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void
  on(event: 'error', listener: (error: Error) => void): void
  write(chunk: Buffer): void
}
const Receiver = (wsModule as unknown as { Receiver: new (options: object) => FrameReceiver }).Receiver

/** Parses server→client frames with `ws`'s own parser (client side: frames must be unmasked). */
function parseWithWs(bytes: Buffer): string[] {
  const messages: string[] = []
  const receiver = new Receiver({ isServer: false, maxPayload: 0 })
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false)
    messages.push(data.toString('utf8'))
  })
  receiver.on('error', (error: Error) => {
    throw error
  })
  receiver.write(bytes)
  return messages
}

describe('encodeWsText', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])('frames a %i-byte payload that ws parses', (n) => {
    const text = 'x'.repeat(n)
    const frame = encodeWsText(text)
    expect(frame[0]).toBe(0x81)
    expect(parseWithWs(frame)).toEqual([text])
  })

  it('measures the length in UTF-8 bytes, not characters', () => {
    const text = `🎬 Kapitel 8 — ${'é'.repeat(200)}`
    expect(parseWithWs(encodeWsText(text))).toEqual([text])
  })

  it('concatenated frames (one coalesced write) parse as separate messages in order', () => {
    const texts = ['a', 'b'.repeat(300), 'c'.repeat(70_000), '{"type":"heartbeat"}']
    expect(parseWithWs(Buffer.concat(texts.map(encodeWsText)))).toEqual(texts)
  })

  it('is accepted by a real ws client when written raw to the server socket', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false })
    await once(server, 'listening')
    const port = (server.address() as AddressInfo).port
    server.on('connection', (ws) => {
      const socket = (ws as unknown as { _socket: Socket })._socket
      socket.write(Buffer.concat([encodeWsText('one'), encodeWsText('two'.repeat(50_000))]))
    })
    const client = new WebSocket(`ws://127.0.0.1:${port}`)
    const received: string[] = []
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data) => {
        received.push(data.toString())
        if (received.length === 2) resolve()
      })
      client.on('error', reject)
    })
    expect(received).toEqual(['one', 'two'.repeat(50_000)])
    client.close()
    await new Promise((resolve) => server.close(resolve))
  })
})

describe('prepared frames', () => {
  const frame =
    '{"type":"event","channel":"show","epoch":"e1","seq":7,"event":{"id":"01J","type":"post.published","at":5,"data":{"text":"hi\\nthere"}}}'

  it('builds each transport once and reuses the same bytes', () => {
    const event = new PreparedEvent(7, 5, frame, 'e1')
    expect(event.ws).toBe(event.ws)
    expect(event.sse).toBe(event.sse)
    expect(parseWithWs(event.ws)).toEqual([frame])
  })

  it('encodes an event for SSE with id (epoch, seq and event id), event type and the event object as data', () => {
    const sse = new PreparedEvent(7, 5, frame, 'e1').sse.toString()
    expect(sse).toBe(
      'id: e1:7:01J\nevent: post.published\ndata: {"id":"01J","type":"post.published","at":5,"data":{"text":"hi\\nthere"}}\n\n',
    )
  })

  it('names SSE error events stream-error so they do not look like EventSource failures', () => {
    const control = new PreparedControl({ type: 'error', json: '{"type":"error"}' })
    expect(control.sse.toString()).toBe('event: stream-error\ndata: {"type":"error"}\n\n')
  })
})
