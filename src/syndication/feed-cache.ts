import type { Clock } from '../util/clock.js'

/**
 * Built feed models, kept per channel so a feed request does not redo the post page, the hydrate
 * queries and every automatic digest's selection (up to 5,000 candidates each) on every poll of
 * every feed reader.
 *
 * The rule: an entry serves a request only while
 * - its **version** equals the channel's current one — the caller derives it from the channel row
 *   (`last_seq`, the channel's event-log position, moves on every publish, edit, deletion and
 *   pin, the release of a scheduled post included; `updated_at` on every change of the channel or
 *   its production facts) and from the digests' own rows (created, edited, deleted, posted) — and
 * - it is younger than `ttlMs` (60 s): what moves without an event — reactions deciding an
 *   automatic digest, a spoiler lifting at its air date, an image finishing processing, an
 *   author's new display name — shows within that bound.
 *
 * Nothing here is shared between nodes and nothing outlives the TTL, so in a cluster each node
 * builds a channel's feed at most once per version and per minute, and no node can serve a stale
 * version: the version is read from the database on every request. Memory is bounded by `max`
 * channels (least recently used first out). Concurrent requests for the same missing version
 * share one build.
 */
export interface FeedCacheOptions {
  clock: Clock
  ttlMs?: number
  max?: number
}

export const FEED_CACHE_TTL_MS = 60_000
export const FEED_CACHE_MAX = 100

interface Entry<T> {
  version: string
  builtAt: number
  value: Promise<T>
}

export class FeedCache<T> {
  private readonly entries = new Map<string, Entry<T>>()
  private readonly ttlMs: number
  private readonly max: number

  constructor(private readonly options: FeedCacheOptions) {
    this.ttlMs = options.ttlMs ?? FEED_CACHE_TTL_MS
    this.max = options.max ?? FEED_CACHE_MAX
  }

  /** The value for `key` at `version`: the cached one while fresh, else what `build` makes. */
  get(key: string, version: string, build: () => Promise<T>): Promise<T> {
    const now = this.options.clock.now()
    const entry = this.entries.get(key)
    this.entries.delete(key)
    if (entry && entry.version === version && now - entry.builtAt < this.ttlMs) {
      this.entries.set(key, entry) // most recently used last
      return entry.value
    }
    const value = build()
    const fresh: Entry<T> = { version, builtAt: now, value }
    this.entries.set(key, fresh)
    // A failed build is not kept: the next request tries again.
    value.catch(() => {
      if (this.entries.get(key) === fresh) this.entries.delete(key)
    })
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!)
    return value
  }

  get size(): number {
    return this.entries.size
  }
}
