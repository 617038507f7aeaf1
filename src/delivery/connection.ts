import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import { type CloseCode, closeCodes, streamLimits } from './protocol.js'
import type { Subscription } from './subscription.js'
import type { Prepared } from './wire.js'

/** What a connection needs from the hub that owns it. */
export interface ConnectionHost {
  /** Most bytes a connection may have pending (BACKLOT_STREAM_BUFFER_BYTES). */
  readonly bufferBytes: number
  readonly metrics: Metrics
  readonly logger: Logger
  /** The connection has queued bytes: flush it with the next flush (flusher.ts). */
  markDirty(connection: Connection): void
  /** The connection stopped streaming (closing or gone): its subscriptions are already detached. */
  connectionClosed(connection: Connection, isSlow: boolean): void
  /** The transport is fully gone: forget the connection. */
  connectionFinished(connection: Connection): void
}

export type Transport = 'ws' | 'sse'

/**
 * Joins the first `count` frames of `chunks` (`bytes` long in all) into one Buffer. The flusher
 * passes one that shares the result between connections that queued the same frames.
 */
export type JoinFrames = (chunks: readonly Buffer[], count: number, bytes: number) => Buffer

export function joinFrames(chunks: readonly Buffer[], count: number, bytes: number): Buffer {
  const joined = Buffer.allocUnsafe(bytes)
  let at = 0
  for (let i = 0; i < count; i++) {
    joined.set(chunks[i]!, at)
    at += chunks[i]!.length
  }
  return joined
}

/** What a written slot of a connection's queue holds until it is reused. */
const noFrame = Buffer.alloc(0)
/** A queue array longer than this is dropped by a one-frame flush (memory of idle connections). */
const KEPT_QUEUE_SLOTS = 16

let nextConnectionId = 1

/**
 * One live stream (a WebSocket or an SSE response) with its write buffer (STYLE rule 9). Frames are
 * queued as shared Buffers and written by the flusher (in its next pass, from the end of the
 * event-loop turn on) in a single `write`, so a burst of events costs one syscall per socket, not
 * one per frame. Pending bytes — queued here, held for
 * subscriptions still replaying, and accepted by the socket but not yet sent — never pass
 * `bufferBytes`: the frame that would cross it closes the connection as too slow instead, and the
 * client resumes from its last sequence.
 */
export abstract class Connection {
  readonly id = nextConnectionId++
  /** By channel slug, pending ones included. */
  readonly subscriptions = new Map<string, Subscription>()
  isClosed = false
  isDirty = false
  /** Highest pending byte count this connection ever reached (stats, tests). */
  peakPendingBytes = 0
  /**
   * The queued frames are #chunks[0, #count). The array is kept from one flush to the next rather
   * than replaced: a burst to 10,000 subscribers queued ~50 frames on each of them per pass, and a
   * fresh array per connection per pass, alive for the whole pass (hundreds of ms), was copied by
   * every young-generation GC it lived through — GC was 10% of the server's time in bursts.
   */
  #chunks: Buffer[] = []
  #count = 0
  #queuedBytes = 0
  #reservedBytes = 0
  /** transportBuffered() when the first frame since the last flush was queued (see #enqueue). */
  #transportBufferedAtQueue = 0
  #graceTimer: NodeJS.Timeout | undefined

  abstract readonly transport: Transport

  constructor(
    protected readonly host: ConnectionHost,
    readonly accountId: string | null,
  ) {}

  /** Bytes the socket (or HTTP response) has accepted but not yet handed to the kernel. */
  protected abstract transportBuffered(): number
  protected abstract transportWrite(data: Buffer): void
  /** Starts a graceful end: a close frame (WebSocket) or the end of the response (SSE). */
  protected abstract transportClose(code: CloseCode): void
  /** Cuts the connection at once. */
  abstract terminate(): void
  /** Heartbeat tick: queue the shared heartbeat frame (and, on WebSocket, check the peer is alive). */
  abstract heartbeat(frame: Prepared): void

  get metrics(): Metrics {
    return this.host.metrics
  }

  get pendingBytes(): number {
    return this.#pendingWith(this.transportBuffered())
  }

  /** Queues a prepared frame (the transport's bytes of it). Ordering on the connection is queue order. */
  send(frame: Prepared): void {
    if (this.isClosed) return
    this.#enqueue(this.transport === 'ws' ? frame.ws : frame.sse)
  }

  /** Accounts for bytes held outside the queue (a replaying subscription's buffered live events). */
  reserve(bytes: number): void {
    if (this.isClosed) return
    if (!this.#admit(bytes)) return
    this.#reservedBytes += bytes
  }

  release(bytes: number): void {
    this.#reservedBytes = Math.max(0, this.#reservedBytes - bytes)
  }

  /**
   * Writes everything queued in one write. Returns whether anything was written. `concat` joins
   * several chunks (the flusher passes one that shares the result between connections that
   * queued the same frames).
   */
  flush(concat: JoinFrames = joinFrames): boolean {
    this.isDirty = false
    const count = this.#count
    if (this.isClosed || count === 0) return false
    const chunks = this.#chunks
    const data = count === 1 ? chunks[0]! : concat(chunks, count, this.#queuedBytes)
    // Drop the references (frames are shared, but a burst's should not outlive it here). A quiet
    // flush (one frame) also lets go of an array a burst grew.
    if (count === 1 && chunks.length > KEPT_QUEUE_SLOTS) this.#chunks = []
    else chunks.fill(noFrame, 0, count)
    this.#count = 0
    this.#queuedBytes = 0
    this.transportWrite(data)
    return true
  }

  /** Ends the connection with `code`, after writing what is already queued. */
  close(code: CloseCode): void {
    if (this.isClosed) return
    this.flush()
    this.#markClosed(false)
    this.#endGracefully(code)
  }

  /** The transport is gone or fully ended (peer closed, socket error, response finished). */
  protected disposed(): void {
    clearTimeout(this.#graceTimer)
    if (!this.isClosed) this.#markClosed(false)
    this.host.connectionFinished(this)
  }

  /** A subscription ended while the connection stays open; SSE (one channel) ends with it. */
  subscriptionEnded(_subscription: Subscription): void {}

  #enqueue(bytes: Buffer): void {
    // The transport's own buffer only shrinks between two writes (nothing but the flusher writes
    // events to it), so it is read once per pass, when the first frame is queued; the check stays
    // exact or errs toward closing. Reading it for every frame (a getter chain through the stream)
    // was 5% of the server's time in a burst to 10,000 subscribers.
    if (!this.isDirty) this.#transportBufferedAtQueue = this.transportBuffered()
    if (!this.#admit(bytes.length, this.#transportBufferedAtQueue)) return
    this.#chunks[this.#count++] = bytes
    this.#queuedBytes += bytes.length
    if (!this.isDirty) {
      this.isDirty = true
      this.host.markDirty(this)
    }
  }

  /** Checks the limit before `bytes` more are held; past it, closes the connection as too slow. */
  #admit(bytes: number, transportBuffered = this.transportBuffered()): boolean {
    const pending = this.#pendingWith(transportBuffered) + bytes
    if (pending > this.host.bufferBytes) {
      this.#closeSlow()
      return false
    }
    if (pending > this.peakPendingBytes) this.peakPendingBytes = pending
    return true
  }

  #pendingWith(transportBuffered: number): number {
    return this.#queuedBytes + this.#reservedBytes + transportBuffered
  }

  #closeSlow(): void {
    // Drop the queue first: the point is to free memory, and a stalled peer would not read it anyway.
    this.#chunks = []
    this.#count = 0
    this.#queuedBytes = 0
    this.#markClosed(true)
    this.#endGracefully(closeCodes.tooSlow)
  }

  #markClosed(isSlow: boolean): void {
    this.isClosed = true
    this.#reservedBytes = 0
    const subscriptions = [...this.subscriptions.values()]
    this.subscriptions.clear()
    for (const subscription of subscriptions) subscription.detach()
    this.host.connectionClosed(this, isSlow)
  }

  /** A peer that never reads cannot take the close frame: cut it off after a grace period. */
  #endGracefully(code: CloseCode): void {
    try {
      this.transportClose(code)
    } catch {
      this.terminate()
      return
    }
    this.#graceTimer = setTimeout(() => this.terminate(), streamLimits.closeGraceMs)
    this.#graceTimer.unref()
  }
}
