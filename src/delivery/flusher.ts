import diagnosticsChannel from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import type { Metrics } from '../metrics.js'
import { type Connection, type JoinFrames, joinFrames } from './connection.js'

/**
 * One message per pass that wrote events, for benchmarks and diagnostics (docs/operations.md):
 * `{ events: [{ channelId, seq, at }], sockets, start }` — `start` (performance.timeOrigin +
 * performance.now(), ms) is when the pass began; the message is published right after the last
 * socket.write that carried these events returned. Nothing is built unless someone subscribed.
 */
export const flushDiagnostics = diagnosticsChannel.channel('backlot:delivery:flush')

interface Delivered {
  channelId: string
  seq: number
  /** Commit time (ms since the epoch). */
  at: number
}

/**
 * A pass writes for SLICE_MS (or longer, see writeSlice) before it lets the event loop run
 * (setImmediate) and goes on where it stopped. At 10,000 subscribers a pass takes ~130 ms; done in
 * one go, it held up every request, database reply and bus message for that long — and a post's
 * transaction on PostgreSQL holds the channel's row lock across its round trips, so bursts went
 * one post per pass (29,000 deliveries/s at 3,000 subscribers). Between slices those go on; events
 * that arrive meanwhile join the sockets the pass has not reached yet, in the same write.
 * Measured with bench:fanout: 3 ms beat 8 ms (PostgreSQL bursts at 3,000 subscribers 162k → 211k
 * deliveries/s, SQLite at 10,000 no worse) and 1 ms (the loop turns start to cost).
 */
const SLICE_MS = 3
/** How many connections are written between two looks at the clock. */
const SLICE_CHECK = 32

/** When passes run; tests pass a fake one. */
export interface FlushTiming {
  /** Monotonic milliseconds. */
  now(): number
  /** Runs `work` at the end of this event-loop turn, after pending I/O callbacks. */
  soon(work: () => void): void
}

const loopTiming: FlushTiming = {
  now: () => performance.now(),
  soon: (work) => setImmediate(work),
}

interface Pass {
  connections: Connection[]
  /** Index of the next connection to write. */
  next: number
  writes: number
  /** Events fanned out before the pass began: every connection that queued them is in it. */
  events: Delivered[]
  startedAt: number
  /** timing.now() when the last slice ended. */
  lastSliceEnd: number
  concat: JoinFrames
}

/**
 * Coalesces writes: connections that queued frames are written in passes, each connection with
 * a single write of everything it queued. A write costs about the same whatever it carries (~12 µs
 * of kernel time per loopback socket), so sharing writes is what makes bursts cheap.
 *
 * When: a pass starts at the end of the current event-loop turn (setImmediate runs after the I/O
 * callbacks that produced the frames) and is written in slices (SLICE_MS). A connection that
 * queues again after its write in a pass goes into the next pass, which starts as soon as this
 * one ends. While a pass runs, the posts that keep coming join it; so the busier the node, the
 * more events each write carries, with no pause added to an event that comes alone. (An earlier
 * version paused between passes after bursts instead; with slices the pause only added latency:
 * bench:fanout at 10,000 subscribers, docs/operations.md.)
 *
 * What: subscribers of a channel queue the same Buffers in the same order, so the joined bytes
 * are built once per distinct list of frames per pass, not once per socket.
 */
export interface Flusher {
  /** The connection queued frames: it is written in the next pass, once for everything it queued. */
  markDirty(connection: Connection): void
  /** An event of `channelId` was queued for `subscribers` local subscribers (metrics, flush diagnostics). */
  noteDelivered(channelId: string, seq: number, at: number, subscribers: number): void
}

export function createFlusher(
  metrics: Metrics,
  timing: FlushTiming = loopTiming,
  sliceMs = SLICE_MS,
): Flusher {
  let dirty: Connection[] = []
  /** A pass is scheduled or running: connections marked dirty meanwhile wait for it (or the next). */
  let isActive = false
  /** The events fanned out since the last pass began, observed once they are written. */
  let delivered: Delivered[] = []

  function schedule(): void {
    isActive = true
    timing.soon(startPass)
  }

  function startPass(): void {
    const connections = dirty
    dirty = []
    const pass: Pass = {
      connections,
      next: 0,
      writes: 0,
      events: delivered,
      startedAt: flushDiagnostics.hasSubscribers ? performance.timeOrigin + performance.now() : 0,
      lastSliceEnd: timing.now(),
      concat: sharedConcat(),
    }
    delivered = []
    writeSlice(pass)
  }

  function writeSlice(current: Pass): void {
    const { connections } = current
    const sliceStart = timing.now()
    // At least as long as the loop spent elsewhere since the last slice: the pass keeps half of
    // the loop however much else comes in, so its last socket waits at most about twice its cost.
    const sliceEnd = sliceStart + Math.max(sliceMs, sliceStart - current.lastSliceEnd)
    while (current.next < connections.length) {
      if (connections[current.next++]!.flush(current.concat)) current.writes++
      if (current.next % SLICE_CHECK === 0 && current.next < connections.length && timing.now() >= sliceEnd) {
        break
      }
    }
    current.lastSliceEnd = timing.now()
    if (current.next < connections.length) timing.soon(() => writeSlice(current))
    else finishPass(current)
  }

  function finishPass(finished: Pass): void {
    if (finished.writes > 0) metrics.socketWrites.inc(finished.writes)
    let written = finished.events
    // Events fanned out during the pass reached the connections it had not written yet; the ones
    // it had written queued them again and wait in `dirty`. With nothing waiting, all are written.
    if (dirty.length === 0 && delivered.length > 0) {
      written = written.concat(delivered)
      delivered = []
    }
    if (written.length > 0) {
      const now = Date.now()
      for (const event of written) metrics.publishToWrite.observe(Math.max(0, now - event.at) / 1000)
      if (flushDiagnostics.hasSubscribers) {
        flushDiagnostics.publish({ events: written, sockets: finished.writes, start: finished.startedAt })
      }
    }
    isActive = false
    if (dirty.length > 0) schedule()
  }

  return {
    markDirty(connection: Connection): void {
      dirty.push(connection)
      if (!isActive) schedule()
    },

    noteDelivered(channelId: string, seq: number, at: number, subscribers: number): void {
      if (subscribers === 0) return
      metrics.framesWritten.inc(subscribers)
      delivered.push({ channelId, seq, at })
    },
  }
}

/**
 * A JoinFrames that returns the same Buffer for lists holding the same Buffers in the same order
 * (keyed by the first one, checked element by element; a few variants per key, as when a
 * heartbeat slice's sockets have one more frame). Written bytes are never changed, so sockets can
 * share them, even when a write stays partly buffered.
 */
function sharedConcat(): JoinFrames {
  const joined = new Map<Buffer, { chunks: Buffer[]; data: Buffer }[]>()
  return (chunks, count, bytes) => {
    const first = chunks[0]!
    let variants = joined.get(first)
    if (variants) {
      for (const known of variants) if (sameList(known.chunks, chunks, count)) return known.data
    } else {
      variants = []
      joined.set(first, variants)
    }
    const data = joinFrames(chunks, count, bytes)
    if (variants.length === MAX_VARIANTS) variants.shift()
    // A copy: the connection reuses its array once this write is out.
    variants.push({ chunks: chunks.slice(0, count), data })
    return data
  }
}

const MAX_VARIANTS = 4

function sameList(known: readonly Buffer[], chunks: readonly Buffer[], count: number): boolean {
  if (known.length !== count) return false
  for (let i = 0; i < count; i++) if (known[i] !== chunks[i]) return false
  return true
}
