import type { Bus } from '../bus/bus.js'
import type { Db } from '../db/database.js'
import { channelTopic, type EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import { ChannelFeed } from './channel-feed.js'
import type { Flusher } from './flusher.js'
import type { ControlFrame } from './protocol.js'
import { readChannelHeads, readLastSeq } from './store.js'
import { Subscription } from './subscription.js'
import { PreparedControl } from './wire.js'

export interface ChannelFeedsDeps {
  db: Db
  bus: Bus
  eventLog: EventLog
  replayLimit: number
  logger: Logger
  /** Told of every event queued for local subscribers (metrics, the flush timing). */
  noteDelivered: Flusher['noteDelivered']
}

/**
 * The subscription bookkeeping of one node: one ChannelFeed per channel with local subscribers
 * (channel-feed.ts: bus, order, gaps), made on the first subscription and dropped with the last.
 */
export interface ChannelFeeds {
  /** The channel's feed, made and started (bus subscription, head read) on first use. */
  feedFor(channelId: string): ChannelFeed
  /** The channel's feed if this node has one. */
  get(channelId: string): ChannelFeed | undefined
  /** Channels with a feed on this node. */
  readonly size: number
  /**
   * Compares each ready feed with the database and fills what the bus lost (DESIGN rule 1); logs
   * failures.
   */
  catchUpTails(): Promise<void>
  /**
   * Writes an ephemeral frame (no sequence) once-encoded to the channel's live subscribers here;
   * returns how many.
   */
  broadcastEphemeral(channelId: string, frame: ControlFrame): number
  /** Whether any stream on this node follows the channel. */
  hasSubscribers(channelId: string): boolean
  /** Resolves once no feed is filling a gap. */
  idle(): Promise<void>
  /** Closes every feed and forgets them. */
  close(): Promise<void>
}

export function createChannelFeeds(deps: ChannelFeedsDeps): ChannelFeeds {
  const { db, bus, eventLog, logger } = deps
  const feeds = new Map<string, ChannelFeed>()

  function feedFor(channelId: string): ChannelFeed {
    const existing = feeds.get(channelId)
    if (existing) return existing
    const feed = new ChannelFeed({
      channelId,
      epoch: eventLog.epoch,
      replayLimit: deps.replayLimit,
      read: (afterSeq, limit) => eventLog.read(channelId, afterSeq, limit),
      logger,
      onDelivered: (event, subscribers) => deps.noteDelivered(channelId, event.seq, event.at, subscribers),
      onDone: dropFeed,
    })
    feeds.set(channelId, feed)
    // start() reports failure through its result and the subscribers, never by rejecting.
    void feed.start(
      (onMessage) => bus.subscribe(channelTopic(channelId), onMessage),
      () => readLastSeq(db, channelId),
    )
    return feed
  }

  function dropFeed(feed: ChannelFeed): void {
    if (feeds.get(feed.channelId) === feed) feeds.delete(feed.channelId)
    void feed.close() // logs its own failures
  }

  /**
   * The bus may lose the last message of a burst, and no later message would reveal the gap: once
   * per heartbeat, compare each feed with the database and fill what is missing (DESIGN rule 1).
   */
  async function catchUpTails(): Promise<void> {
    const ready = [...feeds.values()].filter((feed) => feed.isReady && !feed.isClosed)
    if (ready.length === 0) return
    try {
      const heads = await readChannelHeads(
        db,
        ready.map((feed) => feed.channelId),
      )
      for (const feed of ready) {
        const head = heads.get(feed.channelId)
        if (head?.isSuspended) {
          for (const subscriber of [...feed.subscribers]) subscriber.end('channel-suspended')
        } else feed.syncTo(head?.lastSeq ?? 0)
      }
    } catch (error) {
      logger.warn({ err: error }, 'stream tail check failed')
    }
  }

  /**
   * Writes an ephemeral frame — one with no sequence that is not in the event log, such as the
   * interactions area's `counts` — to every live subscriber of the channel on this node, encoded
   * once for all of them. Subscriptions still replaying or being authorised are skipped.
   */
  function broadcastEphemeral(channelId: string, frame: ControlFrame): number {
    const feed = feeds.get(channelId)
    if (!feed) return 0
    const prepared = new PreparedControl(frame)
    let sent = 0
    for (const subscriber of feed.subscribers) {
      if (subscriber instanceof Subscription && subscriber.state === 'live') {
        subscriber.connection.send(prepared)
        sent++
      }
    }
    return sent
  }

  return {
    feedFor,
    get: (channelId) => feeds.get(channelId),
    get size(): number {
      return feeds.size
    },
    catchUpTails,
    broadcastEphemeral,
    hasSubscribers: (channelId) => (feeds.get(channelId)?.subscribers.size ?? 0) > 0,
    async idle(): Promise<void> {
      await Promise.all([...feeds.values()].map((feed) => feed.idle()))
    },
    async close(): Promise<void> {
      const closing = [...feeds.values()].map((feed) => feed.close())
      feeds.clear()
      await Promise.all(closing)
    },
  }
}
