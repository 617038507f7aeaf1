import diagnosticsChannel from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import type { Metrics } from '../metrics.js'
import type { Connection } from './connection.js'

/**
 * One message per flush that wrote events, for benchmarks and diagnostics (docs/operations.md):
 * `{ events: [{ channelId, seq, at }], sockets, start }` — `start` (performance.timeOrigin +
 * performance.now(), ms) is when the flush began; the message is published right after its last
 * socket.write returned. Nothing is built unless someone subscribed.
 */
export const flushDiagnostics = diagnosticsChannel.channel('backlot:delivery:flush')

interface Delivered {
  channelId: string
  seq: number
  /** Commit time (ms since the epoch). */
  at: number
}

/**
 * A flush waits until PACING × the previous flush's CPU time after its end (see createFlusher),
 * never more than MAX_PACING_MS. 0.5 keeps flushing to at most two thirds of the process's time
 * while the pause stays shorter than the usual distance between posts made one at a time. CPU
 * time, not wall time: on a busy machine a flush takes longer without costing more, and a wall
 * clock window would then hold back events that come alone.
 */
const PACING = 0.5
const MAX_PACING_MS = 250
/** Flushes of fewer connections are taken as free. */
const PACED_FROM = 64

/** When flushes run; tests pass a fake one. */
export interface FlushTiming {
  /** Monotonic milliseconds. */
  now(): number
  /** CPU milliseconds this process has used (a flush's cost, whatever else runs on the machine). */
  cpu(): number
  /** Runs `flush` at the end of this event-loop turn. */
  soon(flush: () => void): void
  /** Runs `flush` in `ms` milliseconds. */
  later(flush: () => void, ms: number): void
}

const loopTiming: FlushTiming = {
  now: () => performance.now(),
  cpu: () => {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  },
  soon: (flush) => setImmediate(flush),
  later: (flush, ms) => setTimeout(flush, ms),
}

/**
 * Coalesces writes: connections that queued frames are flushed together, each with a single
 * write of everything it queued.
 *
 * When: at the end of the current event-loop turn (setImmediate runs after the I/O callbacks that
 * produced the frames) — unless the previous flush ended very recently (PACING), in which case
 * the next one waits a little. A write costs about 10 µs of kernel time on loopback whatever it
 * carries, so at 10,000 subscribers a flush takes ~100 ms; flushing after every turn of a burst
 * would spend the whole loop writing one or two events per socket. Pacing leaves the loop time to
 * take in more posts between flushes, and costs nothing to an event that comes alone (its flush
 * starts at once). Measured with bench:fanout at 10,000 subscribers: 2.8 µs of server CPU per
 * delivery in a burst before, 1.1–1.4 µs with pacing and shared bytes (~15 events per write).
 *
 * What: subscribers of a channel queue the same Buffers in the same order, so the joined bytes
 * are built once per distinct list of frames per flush, not once per socket.
 */
export function createFlusher(metrics: Metrics, timing: FlushTiming = loopTiming) {
  let dirty: Connection[] = []
  /** A flush is scheduled or running: connections marked dirty meanwhile wait for it (or the next). */
  let isScheduled = false
  let isFlushing = false
  /** timing.now() when the last flush ended, and the CPU time it took. */
  let lastEnd = Number.NEGATIVE_INFINITY
  let lastCost = 0
  /** The events fanned out since the last flush, observed once they are written. */
  let delivered: Delivered[] = []

  function schedule(): void {
    isScheduled = true
    const wait = Math.min(MAX_PACING_MS, lastEnd + lastCost * PACING - timing.now())
    if (wait < 1) timing.soon(flush)
    else timing.later(flush, wait)
  }

  function flush(): void {
    isFlushing = true
    const connections = dirty
    dirty = []
    // Small flushes cannot need pacing (64 writes ≈ 0.6 ms): skip the getrusage calls for them.
    const cpuStart = connections.length >= PACED_FROM ? timing.cpu() : Number.NaN
    const startedAt = flushDiagnostics.hasSubscribers ? performance.timeOrigin + performance.now() : 0
    const concat = sharedConcat()
    let writes = 0
    for (const connection of connections) if (connection.flush(concat)) writes++
    if (writes > 0) metrics.socketWrites.inc(writes)
    if (delivered.length > 0) {
      const now = Date.now()
      for (const event of delivered) metrics.publishToWrite.observe(Math.max(0, now - event.at) / 1000)
      if (flushDiagnostics.hasSubscribers) {
        flushDiagnostics.publish({
          events: delivered,
          sockets: writes,
          start: startedAt,
        })
      }
      delivered = []
    }
    lastEnd = timing.now()
    lastCost = Number.isNaN(cpuStart) ? 0 : timing.cpu() - cpuStart
    isFlushing = false
    isScheduled = false
    // Frames queued while writing (a write that failed and closed a connection, say) go next.
    if (dirty.length > 0) schedule()
  }

  return {
    markDirty(connection: Connection): void {
      dirty.push(connection)
      if (!isScheduled && !isFlushing) schedule()
    },

    /** An event of `channelId` went to `subscribers` local subscribers this turn. */
    noteDelivered(channelId: string, seq: number, at: number, subscribers: number): void {
      if (subscribers === 0) return
      metrics.framesWritten.inc(subscribers)
      delivered.push({ channelId, seq, at })
    },
  }
}

/**
 * A Buffer.concat that returns the same Buffer for lists holding the same Buffers in the same
 * order (keyed by the first one, checked element by element; a few variants per key, as when a
 * heartbeat slice's sockets have one more frame). Written bytes are never changed, so sockets can
 * share them, even when a write stays partly buffered.
 */
function sharedConcat(): (chunks: Buffer[], bytes: number) => Buffer {
  const joined = new Map<Buffer, { chunks: Buffer[]; data: Buffer }[]>()
  return (chunks, bytes) => {
    const first = chunks[0]!
    let variants = joined.get(first)
    if (variants) {
      for (const known of variants) if (sameList(known.chunks, chunks)) return known.data
    } else {
      variants = []
      joined.set(first, variants)
    }
    const data = Buffer.concat(chunks, bytes)
    if (variants.length === MAX_VARIANTS) variants.shift()
    variants.push({ chunks, data })
    return data
  }
}

const MAX_VARIANTS = 4

function sameList(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
