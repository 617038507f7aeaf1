import type { ChannelFeed, FeedSubscriber } from './channel-feed.js'
import type { Connection } from './connection.js'
import {
  errorFrame,
  type Position,
  type ResetReason,
  resetFrame,
  type UnsubscribeReason,
  unsubscribedFrame,
} from './protocol.js'
import { PreparedControl, type PreparedEvent } from './wire.js'

interface ResetMarker {
  reset: ResetReason
  position: Position
}

/**
 * One connection following one channel. It is `pending` from the moment it joins the channel's
 * feed until its replay is written: live events arriving meanwhile are held (and counted against
 * the connection's buffer limit), then released after the replay with duplicates dropped by
 * sequence. Once `live`, each event goes straight to the connection's queue.
 */
export class Subscription implements FeedSubscriber {
  state: 'pending' | 'live' | 'ended' = 'pending'
  feed: ChannelFeed | null = null
  channelId: string | null = null
  /** The feed's position when this joined it; set once the feed is ready. */
  liveFrom: number | undefined
  /** Last sequence written to the client; later deliveries at or below it are duplicates. */
  lastSeq = 0
  #held: (PreparedEvent | ResetMarker)[] = []
  #heldBytes = 0

  constructor(
    readonly connection: Connection,
    /** The slug the client subscribed with (lower-cased); the key of the connection's map. */
    readonly slug: string,
  ) {
    connection.subscriptions.set(slug, this)
    connection.metrics.subscriptions.inc()
  }

  get accountId(): string | null {
    return this.connection.accountId
  }

  get isEnded(): boolean {
    return this.state === 'ended'
  }

  /** Joins the channel's feed: from here on, every event after `liveFrom` is held for this subscription. */
  attach(feed: ChannelFeed): void {
    if (this.isEnded) return
    this.feed = feed
    this.channelId = feed.channelId
    feed.add(this)
  }

  setLiveFrom(seq: number): void {
    this.liveFrom = seq
  }

  deliver(event: PreparedEvent): void {
    if (this.state === 'live') {
      if (event.seq <= this.lastSeq) return
      this.lastSeq = event.seq
      this.connection.send(event)
    } else if (this.state === 'pending') {
      this.#hold(event, event.frame.length)
    }
  }

  reset(reason: ResetReason, position: Position): void {
    if (this.state === 'live') {
      this.lastSeq = position.seq
      this.connection.send(new PreparedControl(resetFrame(this.slug, reason, position)))
    } else if (this.state === 'pending') {
      this.#hold({ reset: reason, position }, 128)
    }
  }

  /** Replay is written up to `lastSeq`: release what was held, in order, and follow the feed directly. */
  goLive(lastSeq: number): void {
    if (this.state !== 'pending') return
    this.lastSeq = lastSeq
    this.state = 'live'
    const held = this.#held
    this.#held = []
    this.connection.release(this.#heldBytes)
    this.#heldBytes = 0
    for (const item of held) {
      if ('reset' in item) this.reset(item.reset, item.position)
      else this.deliver(item)
    }
  }

  /** Ends with an `unsubscribed` frame (client request or an access change); the socket stays open. */
  end(reason: UnsubscribeReason): void {
    if (this.isEnded) return
    this.connection.send(new PreparedControl(unsubscribedFrame(this.slug, reason)))
    this.detach()
    this.connection.subscriptionEnded(this)
  }

  /** Ends with an `error` frame about this channel. */
  fail(detail: string, code: 'unavailable' | 'internal' = 'unavailable'): void {
    this.refuse(code, detail)
  }

  refuse(code: Parameters<typeof errorFrame>[0], detail: string): void {
    if (this.isEnded) return
    this.connection.send(new PreparedControl(errorFrame(code, detail, this.slug)))
    this.detach()
    this.connection.subscriptionEnded(this)
  }

  /** Leaves the feed and the connection silently (the connection is closing, or after end/fail). */
  detach(): void {
    if (this.isEnded) return
    this.state = 'ended'
    this.connection.release(this.#heldBytes)
    this.#held = []
    this.#heldBytes = 0
    if (this.connection.subscriptions.get(this.slug) === this) this.connection.subscriptions.delete(this.slug)
    this.connection.metrics.subscriptions.dec()
    this.feed?.remove(this)
  }

  #hold(item: PreparedEvent | ResetMarker, bytes: number): void {
    this.#held.push(item)
    this.#heldBytes += bytes
    this.connection.reserve(bytes)
  }
}
