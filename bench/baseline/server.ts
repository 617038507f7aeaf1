import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { WebSocketServer } from 'ws'
import { encodeWsText } from '../../src/delivery/wire.js'

/**
 * The baseline's server process (bench/baseline/run.ts): a bare `ws` server, none of Backlot's
 * code on its path, that speaks just enough of the stream protocol for bench/fanout/client.ts — a
 * `subscribed` frame per subscribe, then `event` frames with a `seq`. The parent tells it over IPC
 * how to write a batch of events to every socket:
 *
 * - `send`: `ws.send()` per event per socket, as a plain `ws` server does (one frame, one write);
 * - `write`: the batch's frames joined once and written to each socket with one `socket.write`
 *   (what coalescing can reach, with nothing else on the path: no database, no HTTP, no queues).
 *
 * It answers with the server's wall time and CPU time for the batch's pass over the sockets.
 */
/** Subscribed sockets (a second subscribe adds nothing; a close before subscribing removes nothing). */
const sockets = new Set<{ ws: import('ws').WebSocket; socket: Socket }>()
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
const server = http.createServer()
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket as Socket, head, (ws) => {
    const entry = { ws, socket: socket as Socket }
    ws.on('message', () => {
      sockets.add(entry)
      ws.send('{"type":"subscribed","channel":"bench","position":{"epoch":"baseline","seq":0}}')
    })
    ws.on('close', () => sockets.delete(entry))
  })
})

/** A `post.published` frame about the size of a Backlot text post's (~750 bytes). */
function eventFrame(seq: number): string {
  const data = JSON.stringify({ text: `baseline ${seq}`, padding: 'x'.repeat(560) })
  return (
    `{"type":"event","channel":"bench","epoch":"baseline","seq":${seq},` +
    `"event":{"id":"baseline-${seq}","type":"post.published","at":${Date.now()},"data":${data}}}`
  )
}

interface Batch {
  type: 'send' | 'write'
  id: number
  seqs: number[]
}

process.on('message', (message: Batch) => {
  const frames = message.seqs.map(eventFrame)
  const cpu0 = process.cpuUsage()
  const start = performance.now()
  if (message.type === 'send') {
    for (const frame of frames) for (const { ws } of sockets) ws.send(frame)
  } else {
    const joined = Buffer.concat(frames.map(encodeWsText))
    for (const { socket } of sockets) socket.write(joined)
  }
  const passMs = performance.now() - start
  const cpu = process.cpuUsage(cpu0)
  process.send!({ type: 'done', id: message.id, passMs, cpuMs: (cpu.user + cpu.system) / 1000 })
})

server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'listening', port: (server.address() as AddressInfo).port })
})
