import { performance } from 'node:perf_hooks'
import type { Bus, Unsubscribe } from '../bus/bus.js'
import { reactionSetOf } from '../channels/index.js'
import type { Db } from '../db/database.js'
import { type AccessChange, accessTopic } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import { readHighlights, readPolls, readPostCounts, readTallies } from './counts.js'
import { liveCounts } from './limits.js'
import { postsTouchedBy } from './store.js'
import { toCountsEntry } from './views.js'

/**
 * Live counts (issue 4, DESIGN "Counters … are coalesced"). Counts are NOT channel events: a click
 * is not history, and one event per reaction would flood every stream. Instead:
 *
 * 1. A write that changes a public number (reaction, vote, first view, highlight) marks the post
 *    dirty with the node's CountsMarker. Markers are batched for 50 ms and published on the bus
 *    topic `counts` as `"<channelId> <postId> <postId>…"` — one bus message per channel per batch,
 *    never one per click.
 * 2. Every node's CountsRelay keeps, per channel with local subscribers, the set of dirty posts and
 *    sends at most ONE `counts` frame per channel per second: the first change after a quiet second
 *    goes out at once, later ones wait for the second to end. The frame is built from one batch of
 *    queries for all dirty posts (the database is the source, so numbers are exact, not deltas) and
 *    encoded once for every local subscriber (`broadcastCounts`).
 *
 * So each subscriber gets at most one counts frame per post per second, and once activity stops
 * the last frame carries the database's numbers ("eventually exact"). The bus may drop a marker
 * (Redis pub/sub): the next change of that post, or a reload, corrects it.
 */
export const countsTopic = 'counts'

export interface CountsMarker {
  /** This post's public counts changed (after commit). Cheap: no I/O until the batch is sent. */
  mark(channelId: string, postId: string): void
  /** Sends what is batched now (shutdown, tests). */
  flush(): Promise<void>
}

export function createCountsMarker(bus: Bus, logger: Logger): CountsMarker {
  let pending = new Map<string, Set<string>>()
  let timer: NodeJS.Timeout | undefined

  async function flush(): Promise<void> {
    clearTimeout(timer)
    timer = undefined
    const batch = pending
    pending = new Map()
    for (const [channelId, posts] of batch) {
      await bus
        .publish(countsTopic, `${channelId} ${[...posts].join(' ')}`)
        .catch((error: unknown) => logger.warn({ err: error, channelId }, 'counts marker lost'))
    }
  }

  return {
    mark(channelId, postId) {
      let posts = pending.get(channelId)
      if (!posts) {
        posts = new Set()
        pending.set(channelId, posts)
      }
      posts.add(postId)
      if (!timer) {
        timer = setTimeout(() => void flush(), liveCounts.markerDelayMs)
        timer.unref()
      }
    },
    flush,
  }
}

interface ChannelState {
  dirty: Set<string>
  /** performance.now() of the last frame sent (or -Infinity). */
  lastSentAt: number
  timer: NodeJS.Timeout | undefined
  isFlushing: boolean
}

/** Whether this node has live subscribers of a channel: only then are its counts worth sending. */
export type HasLiveSubscribers = (channelId: string) => boolean

/**
 * Sends a `counts` frame (its JSON, encoded once) to this node's live subscribers of a channel.
 * Given by the composition root (the delivery hub's ephemeral broadcast): delivery is a surface
 * above interactions.
 */
export type BroadcastCounts = (channelId: string, json: string) => void

export interface CountsRelayDeps {
  db: Db
  bus: Bus
  hasSubscribers: HasLiveSubscribers
  broadcastCounts: BroadcastCounts
  clock: Clock
  logger: Logger
  intervalMs?: number
}

/** This node's relay of live counts, from the bus's markers to its streams. */
export interface CountsRelay {
  /** Channels with a pending or recent frame on this node (tests, diagnostics). */
  readonly activeChannels: number
  /** Stops relaying: leaves the bus and waits for frames being built. */
  close(): Promise<void>
}

/** Starts this node's relay: bus markers in, at most one `counts` frame per channel per second out. */
export async function startCountsRelay(deps: CountsRelayDeps): Promise<CountsRelay> {
  const { db, bus, hasSubscribers, broadcastCounts, clock, logger } = deps
  const intervalMs = deps.intervalMs ?? liveCounts.countsIntervalMs
  const channels = new Map<string, ChannelState>()
  let isClosed = false
  let inFlight = new Set<Promise<void>>()

  function stateOf(channelId: string): ChannelState {
    let state = channels.get(channelId)
    if (!state) {
      state = { dirty: new Set(), lastSentAt: Number.NEGATIVE_INFINITY, timer: undefined, isFlushing: false }
      channels.set(channelId, state)
    }
    return state
  }

  function markDirty(channelId: string, postIds: readonly string[]): void {
    if (isClosed || postIds.length === 0 || !hasSubscribers(channelId)) return
    const state = stateOf(channelId)
    for (const id of postIds) state.dirty.add(id)
    schedule(channelId, state)
  }

  function schedule(channelId: string, state: ChannelState): void {
    if (state.timer || state.isFlushing || isClosed) return
    const wait = state.lastSentAt + intervalMs - performance.now()
    state.timer = setTimeout(() => run(channelId, state), Math.max(0, Math.ceil(wait)))
    state.timer.unref()
  }

  function run(channelId: string, state: ChannelState): void {
    state.timer = undefined
    // Timers may fire a little early; the one-per-interval promise is kept here, not by setTimeout.
    if (performance.now() < state.lastSentAt + intervalMs) {
      schedule(channelId, state)
      return
    }
    if (state.dirty.size === 0) {
      // Quiet for a whole interval: forget the channel (the next change is sent at once).
      if (channels.get(channelId) === state) channels.delete(channelId)
      return
    }
    const postIds = [...state.dirty].slice(0, liveCounts.postsPerFrame)
    for (const id of postIds) state.dirty.delete(id)
    state.lastSentAt = performance.now()
    state.isFlushing = true
    const work = send(channelId, postIds)
      .then((isSent) => {
        // Measured from the write, not from the start of the reads: frames stay a full interval apart.
        if (isSent) state.lastSentAt = performance.now()
      })
      .catch((error: unknown) => logger.warn({ err: error, channelId }, 'counts frame failed'))
      .finally(() => {
        state.isFlushing = false
        inFlight.delete(work)
        // Also wakes once more after a quiet interval, to forget the channel's state.
        schedule(channelId, state)
      })
    inFlight.add(work)
  }

  /** One batch of queries for all the posts, one frame, encoded once for every local subscriber. */
  async function send(channelId: string, postIds: string[]): Promise<boolean> {
    if (!hasSubscribers(channelId)) return false
    const channel = await db.selectFrom('channel').selectAll().where('id', '=', channelId).executeTakeFirst()
    if (!channel) return false
    const posts = await db
      .selectFrom('post')
      .select(['id', 'kind'])
      .where('channel_id', '=', channelId)
      .where('id', 'in', postIds)
      .where('status', '=', 'published')
      .execute()
    if (posts.length === 0) return false
    const ids = posts.map((p) => p.id)
    const promptIds = posts.filter((p) => p.kind === 'prompt').map((p) => p.id)
    const [counts, polls, highlights] = await Promise.all([
      readPostCounts(db, channelId, ids),
      readPolls(
        db,
        posts.filter((p) => p.kind === 'poll').map((p) => p.id),
      ),
      readHighlights(db, channelId, promptIds),
    ])
    const tallies = await readTallies(db, channelId, polls)
    const set = reactionSetOf(channel)
    const now = clock.now()
    const entries = ids.map((id) => {
      const poll = polls.get(id)
      const highlighted = promptIds.includes(id) ? (highlights.get(id)?.length ?? 0) : undefined
      return toCountsEntry(
        set,
        id,
        counts.get(id)!,
        poll && { row: poll, tally: tallies.get(id)! },
        highlighted,
        now,
      )
    })
    const json = JSON.stringify({ type: 'counts', channel: channel.slug, at: now, posts: entries })
    broadcastCounts(channelId, json)
    return true
  }

  /**
   * A member who leaves, is removed or is banned stops counting at once (counts.ts): refresh the
   * posts whose numbers included them. Every node hears the access change and refreshes for its
   * own subscribers.
   */
  async function onAccessChange(message: string): Promise<void> {
    let change: AccessChange
    try {
      change = JSON.parse(message) as AccessChange
    } catch {
      return
    }
    if (
      change.accountId === null ||
      change.reason === 'channel-deleted' ||
      change.reason === 'channel-suspended' ||
      !hasSubscribers(change.channelId)
    )
      return
    const posts = await postsTouchedBy(db, change.channelId, change.accountId, 200)
    markDirty(change.channelId, posts)
  }

  function track(promise: Promise<void>): void {
    const work = promise
      .catch((error: unknown) => logger.warn({ err: error }, 'counts refresh failed'))
      .finally(() => inFlight.delete(work))
    inFlight.add(work)
  }

  const unsubscribes: Unsubscribe[] = [
    await bus.subscribe(countsTopic, (message) => {
      const [channelId, ...postIds] = message.split(' ')
      if (channelId) markDirty(channelId, postIds)
    }),
    await bus.subscribe(accessTopic, (message) => track(onAccessChange(message))),
  ]

  return {
    get activeChannels(): number {
      return channels.size
    },
    async close(): Promise<void> {
      isClosed = true
      for (const state of channels.values()) clearTimeout(state.timer)
      channels.clear()
      for (const unsubscribe of unsubscribes) await unsubscribe().catch(() => undefined)
      const pending = inFlight
      inFlight = new Set()
      await Promise.all(pending)
    },
  }
}
