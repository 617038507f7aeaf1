import type { Bus, Unsubscribe } from '../bus/bus.js'
import type { Db } from '../db/database.js'
import { fail } from '../errors.js'
import { type AccessChange, accessTopic, positionsTopic } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import { assertReadable, type ChannelAccess, loadChannelAccess, requireReadableChannel } from './access.js'

/**
 * How long a process trusts a channel row it read for anonymous readers when no event said it
 * changed: the bound on staleness if a bus message is lost (the bus is at-most-once), so an edit or
 * a deletion reaches every reader of every node within one second even then (issue 21 part 2).
 */
export const HOT_CHANNEL_FRESH_MS = 1_000
/** Channels held per process (a row is ~1 KB): the hot ones; the least recently read go first. */
export const HOT_CHANNELS_MAX = 1_000

/**
 * The channel rows anonymous readers are served from, kept in this process (issue 21 part 2). A
 * hot post read by thousands per second would otherwise cost a channel read each — the read that
 * gives the access check and the version every public cache is keyed by (reads/version-cache.ts
 * `channelVersion`). Here a row is read once per channel and kept until
 * - the channel's position moves (`positionsTopic`: a publish, edit, deletion, pin, release or
 *   settings change on any node), or an access change concerns it (`accessTopic`: deleted,
 *   suspended, turned private): dropped at once, the next request reads the new row; or
 * - it is HOT_CHANNEL_FRESH_MS old, in case such a message was lost.
 * So what a row keys is never newer than the database and never more than a second older; every
 * cache keyed by it (pages, feeds, oEmbed, the API's anonymous reads) follows within that bound.
 * Only anonymous access lives here: a signed-in reader's membership and bans are read per request.
 */
export interface HotChannels extends AsyncDisposable {
  /** The anonymous reader's access to `slug` (null: no such channel); not yet checked for readability. */
  anonymousAccess(slug: string): Promise<ChannelAccess | null>
  /** Rows held now (metrics, tests). */
  readonly size: number
}

export interface HotChannelsDeps {
  db: Db
  bus: Bus
  /**
   * Milliseconds of real, monotonic time (default `performance.now`), not the app's clock: the
   * one-second bound is about how stale bytes may be on the wire, and must hold whatever a test or
   * a replay sets the domain clock to.
   */
  now?: () => number
  logger: Logger
  freshMs?: number
  max?: number
}

interface Entry {
  access: Promise<ChannelAccess | null>
  loadedAt: number
  /** The invalidation count when the read began: a message that arrives during the read voids it. */
  generation: number
  channelId?: string
  lastSeq?: number
}

export async function createHotChannels(deps: HotChannelsDeps): Promise<HotChannels> {
  const freshMs = deps.freshMs ?? HOT_CHANNEL_FRESH_MS
  const max = deps.max ?? HOT_CHANNELS_MAX
  const clockNow = deps.now ?? (() => performance.now())
  const bySlug = new Map<string, Entry>()
  const slugById = new Map<string, string>()
  // Any message bumps it, so a read in flight when its channel moved is not kept (we may not know
  // its id yet). Messages are rare (events, not reactions): a voided read costs one more read.
  let generation = 0

  function drop(channelId: string, seq?: number): void {
    generation++
    const slug = slugById.get(channelId)
    if (slug === undefined) return
    const entry = bySlug.get(slug)
    if (entry && (seq === undefined || entry.lastSeq === undefined || entry.lastSeq < seq)) {
      bySlug.delete(slug)
      slugById.delete(channelId)
    }
  }

  function onPosition(message: string): void {
    // `{channelId} {seq}` after an event; a bare `{channelId}` for a row change without one.
    const [channelId, seq] = message.split(' ')
    if (channelId) drop(channelId, seq === undefined ? undefined : Number(seq))
  }

  function onAccessChange(message: string): void {
    try {
      // The channel's own changes (deleted, suspended, private) and a person's: a removal is also
      // how an erasure announces itself, and erasing a person changes the channel's public pages
      // (touchChannels moves the row's updated_at without an event). Rare either way.
      drop((JSON.parse(message) as AccessChange).channelId)
    } catch {
      deps.logger.warn('malformed access change ignored by the hot-read cache')
    }
  }

  const unsubscribes: Unsubscribe[] = [
    await deps.bus.subscribe(positionsTopic, onPosition),
    await deps.bus.subscribe(accessTopic, onAccessChange),
  ]

  function load(key: string, now: number): Entry {
    const entry: Entry = { access: loadChannelAccess(deps.db, key, null), loadedAt: now, generation }
    bySlug.set(key, entry)
    while (bySlug.size > max) {
      const [oldest, old] = bySlug.entries().next().value!
      bySlug.delete(oldest)
      if (old.channelId) slugById.delete(old.channelId)
    }
    entry.access.then(
      (access) => {
        if (bySlug.get(key) !== entry) return
        if (!access || entry.generation !== generation) {
          // Not kept: a missing channel may be created any moment, and a voided read may be stale.
          bySlug.delete(key)
          return
        }
        entry.channelId = access.channel.id
        entry.lastSeq = access.channel.last_seq
        slugById.set(access.channel.id, key)
      },
      () => {
        if (bySlug.get(key) === entry) bySlug.delete(key)
      },
    )
    return entry
  }

  return {
    anonymousAccess(slug: string): Promise<ChannelAccess | null> {
      const key = slug.toLowerCase()
      const now = clockNow()
      const entry = bySlug.get(key)
      if (entry && now - entry.loadedAt < freshMs) {
        bySlug.delete(key)
        bySlug.set(key, entry) // most recently read last
        return entry.access
      }
      return load(key, now).access
    },
    get size() {
      return bySlug.size
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(unsubscribes.map((u) => u().catch(() => undefined)))
      bySlug.clear()
      slugById.clear()
    },
  }
}

/**
 * `requireReadableChannel` for every public read: anonymous readers from the hot rows when they
 * are on (BACKLOT_HOT_READS), everyone else from the database. Same refusals either way.
 */
export async function readableChannel(
  db: Db,
  hot: HotChannels | null | undefined,
  slug: string,
  viewerId: string | null,
): Promise<ChannelAccess> {
  if (!hot || viewerId !== null) return requireReadableChannel(db, slug, viewerId)
  const access = (await hot.anonymousAccess(slug)) ?? fail('channel-not-found', `No channel "${slug}".`)
  assertReadable(access, slug)
  return access
}
