import { performance } from 'node:perf_hooks'
import { connectLite, maskedTextFrame } from '../lib/ws-lite.js'

/**
 * Benchmark subscriber process: opens `count` WebSocket subscriptions to one channel and records, per
 * event sequence, how many sockets received it and when the last one did. Talks to the parent over IPC.
 */
interface Start {
  host: string
  port: number
  channel: string
  count: number
  localAddresses: string[]
}

const now = () => performance.timeOrigin + performance.now()
const received = new Map<number, { n: number; last: number }>()
const closes = new Map<number, number>()
let subscribed = 0
/** Position live delivery starts after, from the `subscribed` frames. */
let startSeq = 0

function readSeq(payload: Buffer): number {
  const at = payload.indexOf('"seq":')
  if (at < 0) return 0
  let seq = 0
  for (let i = at + 6; i < payload.length; i++) {
    const c = payload[i]!
    if (c < 48 || c > 57) break
    seq = seq * 10 + (c - 48)
  }
  return seq
}

function onText(payload: Buffer): void {
  // Frames start with {"type":"event",…"seq":N — find the number without decoding the whole frame.
  if (payload[10] !== 0x76 /* the 'v' of {"type":"event" */) {
    if (payload.includes('"subscribed"')) {
      subscribed++
      startSeq = Math.max(startSeq, readSeq(payload))
    }
    return
  }
  const seq = readSeq(payload)
  const entry = received.get(seq)
  const t = now()
  if (entry) {
    entry.n++
    entry.last = t
  } else received.set(seq, { n: 1, last: t })
}

async function start(msg: Start): Promise<void> {
  const subscribe = maskedTextFrame(JSON.stringify({ op: 'subscribe', channel: msg.channel }))
  let opened = 0
  const batch = 200
  for (let i = 0; i < msg.count; i += batch) {
    const n = Math.min(batch, msg.count - i)
    await Promise.all(
      Array.from({ length: n }, async (_, j) => {
        const localAddress = msg.localAddresses[(i + j) % msg.localAddresses.length]
        const socket = await connectLite(
          { host: msg.host, port: msg.port, path: '/api/v1/stream', localAddress },
          { onText, onClose: (code) => closes.set(code, (closes.get(code) ?? 0) + 1) },
        )
        socket.write(subscribe)
        opened++
      }),
    )
  }
  while (subscribed < msg.count) await new Promise((r) => setTimeout(r, 20))
  process.send!({ type: 'ready', opened, subscribed, startSeq })
}

process.on('message', (msg: { type: string } & Start) => {
  if (msg.type === 'start') {
    start(msg).catch((error: Error) => {
      process.send!({ type: 'error', message: error.message })
    })
  } else if (msg.type === 'report') {
    process.send!({ type: 'report', received: [...received.entries()], closes: [...closes.entries()] })
  } else if (msg.type === 'reset') {
    received.clear()
  } else if (msg.type === 'exit') {
    process.exit(0)
  }
})
