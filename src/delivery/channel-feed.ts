import type { Unsubscribe } from '../bus/bus.js'
import type { LoggedEvent } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { Position, ResetReason, UnsubscribeReason } from './protocol.js'
import { PreparedEvent } from './wire.js'

/**
 * What a channel feed delivers to: one subscription of one connection. The feed calls `deliver`
 * once per sequence number, in order, for every event after the subscriber joined.
 */
export interface FeedSubscriber {
  readonly accountId: string | null
  /** The feed's position when the subscriber joined: it will be given every event after it. */
  setLiveFrom(seq: number): void
  deliver(event: PreparedEvent): void
  /** This node lost events it cannot recover; the subscriber must reload. Live continues after `position`. */
  reset(reason: ResetReason, position: Position): void
  /** The feed cannot continue (the database stayed unreachable while it filled a gap). */
  fail(detail: string): void
  /** The subscriber's account lost access to the channel (an access change on the bus). */
  end(reason: UnsubscribeReason): void
}

export interface ChannelFeedDeps {
  channelId: string
  epoch: string
  /** Larger gaps are not filled: subscribers get `reset` instead (they would be reset on resume anyway). */
  replayLimit: number
  /** The channel's events after `afterSeq`, oldest first, at most `limit` (eventLog.read). */
  read(afterSeq: number, limit: number): Promise<LoggedEvent[]>
  logger: Logger
  /** Called once per delivered event with the number of subscribers it went to (metrics, flush timing). */
  onDelivered(event: PreparedEvent, subscribers: number): void
  /** Called when the last subscriber leaves, or the feed failed: the hub drops and closes it. */
  onDone(feed: ChannelFeed): void
  /** Waits between attempts to read a gap from the database. */
  retryDelaysMs?: readonly number[]
}

/** A bus message, or (frame null) a request to catch up with the database through `seq`. */
interface InboxItem {
  seq: number
  at: number
  frame: string | null
}

const FILL_BATCH = 500

/**
 * Per-node, per-channel delivery state (DESIGN rule 1: the database is the log, the bus is lossy).
 * Subscribes to the channel's bus topic once, tracks the last sequence delivered, drops duplicates
 * (seq <= last) and fills jumps (seq > last + 1) from the event log before delivering the new event,
 * so every subscriber sees every sequence exactly once and in order. No work per subscriber here
 * beyond handing each one the same prepared event.
 */
export class ChannelFeed {
  readonly subscribers = new Set<FeedSubscriber>()
  /** Last sequence delivered to this node's subscribers. */
  lastSeq = 0
  isReady = false
  isClosed = false
  /** Resolves true once subscribed to the bus and positioned, false if that failed. */
  ready: Promise<boolean> = Promise.resolve(false)
  #inbox: InboxItem[] = []
  #isDraining = false
  #drained: Promise<void> = Promise.resolve()
  #unsubscribe: Unsubscribe | undefined

  constructor(private readonly deps: ChannelFeedDeps) {}

  get channelId(): string {
    return this.deps.channelId
  }

  /**
   * Subscribes to the bus first, then reads the channel's current sequence: messages that arrive
   * in between are held and those at or below it dropped, so nothing falls between the two.
   */
  start(
    subscribe: (onMessage: (message: string) => void) => Promise<Unsubscribe>,
    loadLastSeq: () => Promise<number>,
  ): Promise<boolean> {
    this.ready = (async () => {
      try {
        this.#unsubscribe = await subscribe((message) => this.onBusMessage(message))
        if (this.isClosed) return false
        this.lastSeq = await loadLastSeq()
      } catch (error) {
        this.deps.logger.error({ err: error, channelId: this.channelId }, 'channel feed failed to start')
        this.#fail('Live delivery of this channel is unavailable; subscribe again shortly.')
        return false
      }
      if (this.isClosed) return false
      this.isReady = true
      for (const subscriber of this.subscribers) subscriber.setLiveFrom(this.lastSeq)
      this.#drain()
      return true
    })()
    return this.ready
  }

  add(subscriber: FeedSubscriber): void {
    this.subscribers.add(subscriber)
    if (this.isReady) subscriber.setLiveFrom(this.lastSeq)
  }

  remove(subscriber: FeedSubscriber): void {
    if (!this.subscribers.delete(subscriber)) return
    if (this.subscribers.size === 0 && !this.isClosed) this.deps.onDone(this)
  }

  /** `"<seq> <at> <frame>"` from eventLog.publish. The fast path delivers in-order messages synchronously. */
  onBusMessage(message: string): void {
    if (this.isClosed) return
    const item = parseBusMessage(message)
    if (!item) {
      this.deps.logger.warn({ channelId: this.channelId }, 'malformed bus message dropped')
      return
    }
    if (this.isReady && !this.#isDraining && this.#inbox.length === 0) {
      if (item.seq <= this.lastSeq) return // duplicate, or already read from the database
      if (item.seq === this.lastSeq + 1) {
        this.#deliver(new PreparedEvent(item.seq, item.at, item.frame!, this.deps.epoch))
        return
      }
    }
    this.#inbox.push(item)
    if (this.isReady) this.#drain()
  }

  /** The database says the channel is at `seq`: deliver anything this node has not seen (a lost tail). */
  syncTo(seq: number): void {
    if (this.isClosed || seq <= this.lastSeq) return
    this.#inbox.push({ seq, at: 0, frame: null })
    if (this.isReady) this.#drain()
  }

  /** Resolves when no gap fill is in progress (tests, shutdown). */
  async idle(): Promise<void> {
    await this.ready
    while (this.#isDraining) await this.#drained
  }

  async close(): Promise<void> {
    if (this.isClosed) return
    this.isClosed = true
    this.#inbox = []
    await this.ready.catch(() => false)
    const unsubscribe = this.#unsubscribe
    this.#unsubscribe = undefined
    if (unsubscribe) {
      await unsubscribe().catch((error: unknown) =>
        this.deps.logger.warn({ err: error, channelId: this.channelId }, 'bus unsubscribe failed'),
      )
    }
  }

  #drain(): void {
    if (this.#isDraining || this.isClosed) return
    this.#isDraining = true
    this.#drained = this.#runInbox()
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error, channelId: this.channelId }, 'filling a gap failed')
        this.#fail('Live delivery of this channel was interrupted; subscribe again with your last position.')
      })
      .finally(() => {
        this.#isDraining = false
        // A message may have arrived after the loop saw an empty inbox but before this ran.
        if (this.#inbox.length > 0) this.#drain()
      })
  }

  async #runInbox(): Promise<void> {
    while (this.#inbox.length > 0 && !this.isClosed) {
      const item = this.#inbox[0]!
      if (item.frame === null) {
        await this.#fillThrough(item.seq)
      } else if (item.seq > this.lastSeq) {
        if (item.seq > this.lastSeq + 1) await this.#fillThrough(item.seq - 1)
        if (this.isClosed) return
        if (item.seq === this.lastSeq + 1) {
          this.#deliver(new PreparedEvent(item.seq, item.at, item.frame, this.deps.epoch))
        }
      }
      this.#inbox.shift()
    }
  }

  /** Reads (lastSeq, target] from the event log and delivers it in order. */
  async #fillThrough(target: number): Promise<void> {
    while (this.lastSeq < target && !this.isClosed) {
      const missing = target - this.lastSeq
      if (missing > this.deps.replayLimit) return this.#resetAll('gap-too-large', target)
      const events = await this.#readWithRetry(this.lastSeq, Math.min(missing, FILL_BATCH))
      if (this.isClosed) return
      if (events[0]?.seq !== this.lastSeq + 1) return this.#resetAll('gap-too-large', target)
      for (const event of events) {
        if (event.seq !== this.lastSeq + 1) return this.#resetAll('gap-too-large', target)
        this.#deliver(PreparedEvent.fromLogged(event, this.deps.epoch))
      }
    }
  }

  async #readWithRetry(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    const delays = this.deps.retryDelaysMs ?? [100, 500, 2000]
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.read(afterSeq, limit)
      } catch (error) {
        if (attempt >= delays.length || this.isClosed) throw error
        this.deps.logger.warn({ err: error, channelId: this.channelId, attempt }, 'gap read failed, retrying')
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]))
      }
    }
  }

  #deliver(event: PreparedEvent): void {
    this.lastSeq = event.seq
    for (const subscriber of this.subscribers) subscriber.deliver(event)
    this.deps.onDelivered(event, this.subscribers.size)
  }

  /** The history this node missed is gone or too long to replay: say so rather than pretend (rule 2). */
  #resetAll(reason: ResetReason, target: number): void {
    this.deps.logger.warn({ channelId: this.channelId, from: this.lastSeq, to: target }, 'feed reset')
    this.lastSeq = target
    const position = { epoch: this.deps.epoch, seq: target }
    for (const subscriber of this.subscribers) subscriber.reset(reason, position)
  }

  #fail(detail: string): void {
    this.#inbox = []
    const subscribers = [...this.subscribers]
    this.subscribers.clear()
    for (const subscriber of subscribers) subscriber.fail(detail)
    if (!this.isClosed) this.deps.onDone(this)
  }
}

export function parseBusMessage(message: string): InboxItem | null {
  const first = message.indexOf(' ')
  const second = message.indexOf(' ', first + 1)
  if (first <= 0 || second <= first) return null
  const seq = Number(message.slice(0, first))
  const at = Number(message.slice(first + 1, second))
  if (!Number.isSafeInteger(seq) || seq <= 0 || !Number.isFinite(at)) return null
  return { seq, at, frame: message.slice(second + 1) }
}
