import { canRead, loadAccessForChannel } from '../channels/index.js'
import type { Db } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'
import type { EventLog, LoggedEvent } from '../event-log/event-log.js'
import { type RateRefusal, refusalDetail } from '../http/request-limits.js'
import type { Logger } from '../logger.js'
import { InFlight } from '../util/in-flight.js'
import type { ChannelFeed } from './channel-feed.js'
import type { Connection } from './connection.js'
import {
  errorFrame,
  type Position,
  type ResetReason,
  resetFrame,
  streamLimits,
  subscribedFrame,
} from './protocol.js'
import { findChannelBySlug, readEventIdAt, readLastSeq } from './store.js'
import { Subscription } from './subscription.js'
import { PreparedControl, PreparedEvent } from './wire.js'

/** Counts a subscribe op against the stream's rate limit (ws-route.ts); the refusal, if over. */
export type AdmitSubscribe = () => Promise<RateRefusal | null>

export interface SubscribeDeps {
  db: Db
  eventLog: EventLog
  replayLimit: number
  logger: Logger
  /**
   * The subscribe path's reads, shared by subscribers that ask the same at once (util/in-flight.ts):
   * a reconnect storm resumes thousands of subscribers of a channel from the same position, and
   * the database answers each question once (issue 21 part 4).
   */
  shared: SharedReads
  /** This node's feed for the channel, created and started on first use. */
  feedFor(channelId: string): ChannelFeed
}

export interface SharedReads {
  channels: InFlight<ChannelRow | undefined>
  eventIds: InFlight<string | undefined>
  replays: InFlight<LoggedEvent[]>
}

export function createSharedReads(): SharedReads {
  return { channels: new InFlight(), eventIds: new InFlight(), replays: new InFlight() }
}

/**
 * Follows one channel on one connection, with the guarantee clients rely on: starting after
 * `since` (or after "now" without it), every event exactly once and in order — or a `reset` when
 * that cannot be honoured. Steps: look the channel up → join its feed as pending (live events are
 * held from here, so nothing falls between replay and live) → authorise → replay (since, liveFrom]
 * from the event log, or `reset` → `subscribed` → release the held events (duplicates dropped) →
 * live. Outcomes other than success are frames on the connection; this never throws.
 */
export async function subscribeChannel(
  deps: SubscribeDeps,
  connection: Connection,
  channel: string,
  since: Position | undefined,
  admit?: AdmitSubscribe,
): Promise<void> {
  const slug = channel.toLowerCase()
  if (connection.subscriptions.has(slug)) {
    connection.send(
      new PreparedControl(errorFrame('already-subscribed', `Already following "${slug}".`, slug)),
    )
    return
  }
  if (connection.subscriptions.size >= streamLimits.subscriptionsPerSocket) {
    const detail = `One stream may follow at most ${streamLimits.subscriptionsPerSocket} channels.`
    connection.send(new PreparedControl(errorFrame('too-many-subscriptions', detail, slug)))
    return
  }
  const subscription = new Subscription(connection, slug)
  try {
    await run(deps, subscription, since, admit)
  } catch (error) {
    deps.logger.error({ err: error, channel: slug }, 'subscription failed')
    subscription.fail('The subscription failed on the server; subscribe again.', 'internal')
  }
}

async function run(
  deps: SubscribeDeps,
  sub: Subscription,
  since: Position | undefined,
  admit: AdmitSubscribe | undefined,
): Promise<void> {
  // Counted once the subscription is registered, so ops still apply in the order they were sent.
  const refusal = admit ? await admit() : null
  if (sub.isEnded) return
  if (refusal) return sub.refuse('rate-limited', refusalDetail(refusal))
  const channel = await deps.shared.channels.run(sub.slug, () => findChannelBySlug(deps.db, sub.slug))
  if (sub.isEnded) return
  if (!channel) return sub.refuse('channel-not-found', `No channel "${sub.slug}".`)
  const feed = deps.feedFor(channel.id)
  sub.attach(feed)
  const isReady = await feed.ready
  if (sub.isEnded) return
  if (!isReady) return sub.fail('Live delivery of this channel is unavailable; subscribe again shortly.')

  // Authorised after joining the feed: an access change published from here on ends this
  // subscription, and one committed before is seen by this read.
  const access = await loadAccessForChannel(deps.db, channel, sub.accountId)
  if (sub.isEnded) return
  if (!canRead(access)) {
    if (access.isBanned) return sub.refuse('banned', `You are banned from "${channel.slug}".`)
    return sub.refuse('channel-not-found', `No channel "${sub.slug}".`)
  }

  const plan = await planReplay(deps, sub, feed, since)
  if (sub.isEnded) return
  const { connection } = sub
  const epoch = deps.eventLog.epoch
  for (const event of plan.events) connection.send(PreparedEvent.fromLogged(event, epoch))
  if (plan.reset) {
    connection.send(new PreparedControl(resetFrame(sub.slug, plan.reset, { epoch, seq: plan.lastSeq })))
  }
  const position = plan.lastId ? { epoch, seq: plan.lastSeq, id: plan.lastId } : { epoch, seq: plan.lastSeq }
  connection.send(new PreparedControl(subscribedFrame(sub.slug, position)))
  sub.goLive(plan.lastSeq)
}

interface ReplayPlan {
  /** Events to write before going live: exactly (since, lastSeq]. */
  events: LoggedEvent[]
  reset?: ResetReason
  /** Where live delivery continues: the `subscribed` position. */
  lastSeq: number
  /** The id of the event at `lastSeq`, when known without a read (a replay's last, or the client's). */
  lastId?: string
}

/** What a subscriber starting after `since` must be sent before live events (DESIGN rule 2). */
async function planReplay(
  deps: SubscribeDeps,
  sub: Subscription,
  feed: ChannelFeed,
  since: Position | undefined,
): Promise<ReplayPlan> {
  const liveFrom = sub.liveFrom ?? feed.lastSeq
  const reset = (reason: ResetReason): ReplayPlan => ({ events: [], reset: reason, lastSeq: liveFrom })
  if (!since) return { events: [], lastSeq: liveFrom }
  if (since.epoch !== deps.eventLog.epoch) return reset('epoch-changed')
  if (await isOtherHistory(deps, feed.channelId, since)) return reset('history-changed')
  if (since.seq > liveFrom) {
    // This node's feed may trail the database (the bus is slower than the commit the client saw
    // elsewhere): only a position past the database's is really in the future.
    const head = await readLastSeq(deps.db, feed.channelId)
    if (since.seq > head) return reset('future-position')
    feed.syncTo(head)
    return { events: [], lastSeq: since.seq, lastId: since.id }
  }
  const missing = liveFrom - since.seq
  if (missing === 0) return { events: [], lastSeq: liveFrom, lastId: since.id }
  if (missing > deps.replayLimit) return reset('gap-too-large')
  const events = await deps.shared.replays.run(`${feed.channelId}|${since.seq}|${missing}`, () =>
    deps.eventLog.read(feed.channelId, since.seq, missing),
  )
  // A hole means history was pruned: say so rather than skip it.
  const isComplete = events.length === missing && events.every((e, i) => e.seq === since.seq + 1 + i)
  return isComplete ? { events, lastSeq: liveFrom, lastId: events.at(-1)!.id } : reset('gap-too-large')
}

/**
 * Whether the client's last event is not the one the log holds at its sequence: the history was
 * replaced under the same epoch (a data folder restored whole, sidecar and all, which no start-time
 * marker can see). Only this client is reset — a client's claim never changes the global epoch.
 * One primary-key read, on resume only, and only when the client sent the id. A missing row proves
 * nothing (beyond the head is `future-position`; below it the history was pruned).
 */
async function isOtherHistory(deps: SubscribeDeps, channelId: string, since: Position): Promise<boolean> {
  if (since.id === undefined || since.seq === 0) return false
  const id = await deps.shared.eventIds.run(`${channelId}|${since.seq}`, () =>
    readEventIdAt(deps.db, channelId, since.seq),
  )
  return id !== undefined && id !== since.id
}
