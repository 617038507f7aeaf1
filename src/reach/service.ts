import { createHash } from 'node:crypto'
import { requireReadableChannel } from '../channels/index.js'
import type { Db } from '../db/database.js'
import { fail } from '../errors.js'
import type { Logger } from '../logger.js'
import type { PostHooks } from '../posts/index.js'
import type { Clock } from '../util/clock.js'
import { OTHER, type ReachClient, type ReachHit } from './hits.js'
import { DailySalts } from './salt.js'
import type { ReachReport } from './schemas.js'
import {
  addChannelDays,
  addEmbedDays,
  addFeedDays,
  addPostDays,
  addVisitors,
  countableChannels,
  countablePosts,
  erasePostReach,
  readReach,
  rollUpDays,
} from './store.js'
import { type PendingCounts, Tally } from './tally.js'
import { feedReader, isBotAgent } from './user-agents.js'
import { toReachReport } from './views.js'

export const DAY_MS = 86_400_000
/** How often a node writes what it counted (one batch of upserts per table). */
export const REACH_FLUSH_MS = 2_000
/** How often the roll-up runs (once for the whole cluster): a day's salt and hashes outlive it by at most this. */
export const REACH_ROLLUP_INTERVAL_MS = 10 * 60_000
/** Daily counters are kept this many days, then deleted by the roll-up. */
export const REACH_RETENTION_DAYS = 400
/** Distinct keys one node aggregates between two flushes before it drops new ones. */
const MAX_PENDING_KEYS = 20_000
/**
 * Embedding origins one node accepts per post and day; more become `other`, so made-up Referers
 * cannot fill the table with rows (real posts are embedded by a handful of sites).
 */
const ORIGINS_PER_POST_DAY = 50
/** Rows in each top list of the report. */
const REPORT_TOP = 50

export interface ReachDeps {
  db: Db
  clock: Clock
  logger: Logger
}

/**
 * Reach without tracking (issue 19 part 5; docs/privacy.md). Surfaces report each public request
 * they answered (`record`, from an onResponse hook, so cached pages count too and the page never
 * waits); counts are aggregated in memory and written in batches.
 */
export interface ReachService {
  /**
   * Counts a request answered 200/304. Synchronous and never throws: the address and User-Agent are
   * reduced to a bot test, a reader family and (pages, embeds) the day's salted visitor hash here.
   */
  record(hit: ReachHit, client: ReachClient): void
  /** Writes what this node counted (the timer calls it; tests and shutdown too). */
  flush(): Promise<void>
  /**
   * Rolls up every finished day: distinct visitors become a count, the day's hashes and salt are
   * deleted, counters past retention too. A periodic job (once per cluster).
   */
  rollUp(): Promise<void>
  /**
   * The channel's reach over the last `days` UTC days, for its owner and admins only (other members:
   * `not-allowed`; outsiders of a private channel: `channel-not-found`).
   */
  report(actorId: string, slug: string, days: number): Promise<ReachReport>
  /** Erases a deleted post's counts in its delete transaction. */
  postHooks: PostHooks
  /** Stops the timer and writes what is pending. */
  close(): Promise<void>
}

export function createReachService({ db, clock, logger }: ReachDeps): ReachService {
  const tally = new Tally(MAX_PENDING_KEYS)
  const salts = new DailySalts(db)
  const origins = new EmbedOrigins()
  let flushing: Promise<void> | undefined

  function record(hit: ReachHit, client: ReachClient): void {
    const day = Math.floor(clock.now() / DAY_MS)
    switch (hit.surface) {
      case 'feed': {
        const reader = feedReader(client.userAgent)
        tally.feed(day, hit.slug, reader.family, hit.format, reader.subscribers)
        return
      }
      case 'oembed':
        // Looked up by servers (CMSs, unfurlers) by definition: every lookup counts, no visitors.
        tally.post(day, 'oembed', hit.postId, false)
        return
      case 'channel-page':
      case 'page':
      case 'embed': {
        const isBot = isBotAgent(client.userAgent)
        if (hit.surface === 'channel-page') tally.channelPage(day, hit.slug, isBot)
        else tally.post(day, hit.surface, hit.postId, isBot)
        if (hit.surface === 'embed' && !isBot)
          tally.embed(day, hit.postId, origins.admit(day, hit.postId, hit.origin))
        if (!isBot)
          countVisitor(day, hit.surface === 'channel-page' ? `c:${hit.slug}` : `p:${hit.postId}`, client)
        return
      }
    }
  }

  /**
   * The visitor's hash for the day: the address and User-Agent go no further than this function.
   * The salt is in memory after the day's first request; until then the request waits for it alone.
   */
  function countVisitor(day: number, target: string, client: ReachClient): void {
    const hash = (salt: Buffer) =>
      createHash('sha256')
        .update(salt)
        .update(client.address)
        .update('\n')
        .update(client.userAgent ?? '')
        .digest('hex')
        .slice(0, 32)
    const salt = salts.ready(day)
    if (salt) {
      tally.visitor(day, target, hash(salt))
      return
    }
    salts.forDay(day).then(
      (s) => tally.visitor(day, target, hash(s)),
      (error: unknown) => logger.warn({ err: error }, 'reach: no salt for the day; visitor not counted'),
    )
  }

  async function write(batch: PendingCounts): Promise<void> {
    if (batch.dropped > 0) logger.warn({ dropped: batch.dropped }, 'reach: batch full, some counts dropped')
    const postIds = new Set<string>()
    const slugs = new Set<string>()
    for (const p of batch.posts.values()) postIds.add(p.postId)
    for (const c of batch.channelPages.values()) slugs.add(c.slug)
    for (const f of batch.feeds.values()) slugs.add(f.slug)
    for (const v of batch.visitors.values())
      if (v.target.startsWith('p:')) postIds.add(v.target.slice(2))
      else slugs.add(v.target.slice(2))
    const now = clock.now()
    const posts = await countablePosts(db, [...postIds], now)
    const channels = await countableChannels(db, [...slugs])
    const channelOf = (target: string) =>
      target.startsWith('p:') ? posts.get(target.slice(2)) : channels.get(target.slice(2))

    await db.transaction().execute(async (tx) => {
      await addChannelDays(
        tx,
        [...batch.channelPages.values()].flatMap((c) => {
          const channelId = channels.get(c.slug)
          return channelId
            ? [{ day: c.day, channel_id: channelId, page_views: c.views, bots: c.bots, visitors: 0 }]
            : []
        }),
      )
      await addPostDays(
        tx,
        [...batch.posts.values()].flatMap((p) => {
          const channelId = posts.get(p.postId)
          return channelId
            ? [
                {
                  day: p.day,
                  post_id: p.postId,
                  channel_id: channelId,
                  surface: p.surface,
                  views: p.views,
                  bots: p.bots,
                },
              ]
            : []
        }),
      )
      await addEmbedDays(
        tx,
        [...batch.embeds.values()].flatMap((e) => {
          const channelId = posts.get(e.postId)
          return channelId
            ? [{ day: e.day, post_id: e.postId, channel_id: channelId, origin: e.origin, views: e.views }]
            : []
        }),
      )
      await addFeedDays(
        tx,
        [...batch.feeds.values()].flatMap((f) => {
          const channelId = channels.get(f.slug)
          return channelId
            ? [
                {
                  day: f.day,
                  channel_id: channelId,
                  reader: f.reader,
                  format: f.format,
                  fetches: f.fetches,
                  subscribers: f.subscribers,
                },
              ]
            : []
        }),
      )
      await addVisitors(
        tx,
        [...batch.visitors.values()].flatMap((v) => {
          const channelId = channelOf(v.target)
          return channelId
            ? [...v.hashes].map((visitor) => ({ day: v.day, channel_id: channelId, visitor }))
            : []
        }),
      )
    })
  }

  async function flush(): Promise<void> {
    await flushing
    if (tally.isEmpty) return
    const batch = tally.take()
    flushing = write(batch)
      .catch((error: unknown) => logger.warn({ err: error }, 'reach: counts lost'))
      .finally(() => {
        flushing = undefined
      })
    await flushing
  }

  const timer = setInterval(() => {
    if (!flushing) void flush()
  }, REACH_FLUSH_MS)
  timer.unref()

  async function rollUp(): Promise<void> {
    const today = Math.floor(clock.now() / DAY_MS)
    await db.transaction().execute((tx) => rollUpDays(tx, today, today - REACH_RETENTION_DAYS))
  }

  async function report(actorId: string, slug: string, days: number): Promise<ReachReport> {
    const access = await requireReadableChannel(db, slug, actorId)
    if (access.role !== 'owner' && access.role !== 'admin')
      fail('not-allowed', 'Only the channel’s owner and admins can see its reach.')
    const toDay = Math.floor(clock.now() / DAY_MS)
    const fromDay = toDay - days + 1
    return toReachReport(fromDay, toDay, await readReach(db, access.channel.id, fromDay, toDay, REPORT_TOP))
  }

  return {
    record,
    flush,
    rollUp,
    report,
    postHooks: {
      async erase(tx, post) {
        await erasePostReach(tx, post.id)
        return undefined
      },
    },
    async close() {
      clearInterval(timer)
      await flush()
    },
  }
}

/** Which embedding origins this node has admitted per post today (bounded; see ORIGINS_PER_POST_DAY). */
class EmbedOrigins {
  #day = -1
  #seen = new Map<string, Set<string>>()

  admit(day: number, postId: string, origin: string): string {
    if (day !== this.#day || this.#seen.size >= MAX_PENDING_KEYS) {
      this.#day = day
      this.#seen.clear()
    }
    let seen = this.#seen.get(postId)
    if (!seen) {
      seen = new Set()
      this.#seen.set(postId, seen)
    }
    if (seen.has(origin)) return origin
    if (seen.size >= ORIGINS_PER_POST_DAY) return OTHER
    seen.add(origin)
    return origin
  }
}
