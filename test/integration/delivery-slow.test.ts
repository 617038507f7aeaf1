import type net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as wsModule from 'ws'
import type { ChannelRow } from '../../src/db/schema.js'
import { testDatabases } from '../_util/db.js'
import { seedPostEvent, seedPostEvents } from '../_util/events.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { maskedTextFrame, rawWebSocket, SseReader, StreamClient } from '../_util/stream.js'

const LIMIT = 256 * 1024

/** `ws`'s client-side frame parser (exported at run time, missing from @types/ws). */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer) => void): void
  on(event: 'conclude', listener: (code: number, reason: Buffer) => void): void
  on(event: 'error', listener: (error: Error) => void): void
  write(chunk: Buffer): void
}
const Receiver = (wsModule as unknown as { Receiver: new (options: object) => FrameReceiver }).Receiver

/** Reads server frames from a raw socket; `close` resolves with the close frame's code. */
function readFrames(socket: net.Socket, first: Buffer) {
  const messages: string[] = []
  const receiver = new Receiver({ isServer: false, maxPayload: 0 })
  receiver.on('message', (data) => messages.push(data.toString()))
  const close = new Promise<number>((resolve, reject) => {
    receiver.on('conclude', (code) => resolve(code))
    receiver.on('error', reject)
    socket.on('close', () => reject(new Error('socket closed without a close frame')))
  })
  close.catch(() => {})
  socket.on('data', (chunk: Buffer) => receiver.write(chunk))
  receiver.write(first)
  return { messages, close }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe.each(testDatabases)('slow consumers and shutdown on %s', (kind) => {
  let server: TestServer
  let channel: ChannelRow

  beforeAll(async () => {
    server = await startTestServer(kind, { env: { BACKLOT_STREAM_BUFFER_BYTES: String(LIMIT) } })
    const owner = await seedAccount(server.ctx, 'owner')
    channel = await seedChannel(server.ctx, owner.account, { slug: 'big' })
  })

  afterAll(async () => {
    await server.destroy()
  })

  it('closes a reader that stopped reading with 4008 while the others receive everything', async () => {
    const fast = await Promise.all([StreamClient.open(server.url), StreamClient.open(server.url)])
    for (const c of fast) await c.subscribeAndWait('big')

    const { socket, rest } = await rawWebSocket(server.url)
    const stalled = readFrames(socket, rest)
    socket.write(maskedTextFrame(JSON.stringify({ op: 'subscribe', channel: 'big' })))
    await expect.poll(() => stalled.messages.some((m) => m.includes('"subscribed"'))).toBe(true)
    socket.pause() // from here on the kernel buffers fill, then the server's

    const text = 'x'.repeat(8 * 1024)
    const published = []
    for (let i = 0; i < 4000 && server.ctx.hub.stats().slowClosed === 0; i++) {
      published.push(await seedPostEvent(server.ctx, channel, { text }))
      await turn() // let the fast clients read, as real ones would
    }
    const stats = server.ctx.hub.stats()
    expect(stats.slowClosed).toBe(1)
    expect(stats.peakPendingBytes).toBeLessThanOrEqual(LIMIT)
    for (const c of stats.perConnection) expect(c.peakPendingBytes).toBeLessThanOrEqual(LIMIT)

    // Everyone else got every event, once, in order, and is still subscribed.
    const more = await seedPostEvents(server.ctx, channel, 3)
    const all = [...published, ...more].map((e) => e.seq)
    for (const c of fast) {
      const received = await c.waitForEvents('big', all.length)
      expect(received.map((f) => f.seq)).toEqual(all)
    }
    expect(server.ctx.hub.stats().connections).toBe(2)

    // The stalled client, once it reads again, finds the events it had, then the 4008 close frame.
    socket.resume()
    expect(await stalled.close).toBe(4008)
    const seqs = stalled.messages.filter((m) => m.startsWith('{"type":"event"')).map((m) => JSON.parse(m).seq)
    expect(seqs).toEqual(all.slice(0, seqs.length))
    expect(seqs.length).toBeLessThan(published.length)
    socket.destroy()
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toContain('backlot_stream_slow_closed_total 1')
    await Promise.all(fast.map((c) => c.close()))
  })

  it('on shutdown closes WebSockets with 4001 and ends SSE responses', async () => {
    const ws = await StreamClient.open(server.url)
    await ws.subscribeAndWait('big')
    const sse = await SseReader.open(`${server.url}/api/v1/channels/big/events`)
    await sse.waitFor((m) => m.event === 'subscribed')
    await server.close()
    expect(await ws.closed).toEqual({ code: 4001, reason: 'server restarting, reconnect' })
    await sse.waitForEnd()
  })
})
