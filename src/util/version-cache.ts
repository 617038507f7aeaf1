import type { Clock } from './clock.js'

/**
 * Values that are costly to build and cheap to version — feed models, rendered public pages,
 * timelines, oEmbed answers, anonymous pages of a feed — kept so that a reader in a loop does not
 * redo the queries, the hydrate and the rendering on every request. One mechanism for all of them
 * (issue 14 item 6); generic, so it sits in the kernel and any area may use it.
 *
 * The rule: an entry serves a request only while
 * - its **version** equals the current one — the caller derives it from what the entry shows (for
 *   a channel's public content: reads/version-cache.ts `channelVersion`, plus e.g. a digest's row),
 *   read from the database on every request — and
 * - it is younger than `ttlMs` (60 s): what moves without a new version (for channels: reactions
 *   and votes, a spoiler lifting at its air date, an image finishing processing, an author's new
 *   display name, a banned member's reactions leaving the counts) shows within that bound.
 *
 * Nothing here is shared between nodes and nothing outlives the TTL, so in a cluster each node
 * builds an entry at most once per version and per TTL, and no node can serve a stale version.
 * Memory is bounded by `max` entries (least recently used first out). Concurrent requests for the
 * same missing version share one build.
 */
export interface VersionCacheOptions {
  clock: Clock
  ttlMs?: number
  max?: number
}

export const VERSION_CACHE_TTL_MS = 60_000
export const VERSION_CACHE_MAX = 100

interface Entry<T> {
  version: string
  builtAt: number
  value: Promise<T>
}

export class VersionCache<T> {
  private readonly entries = new Map<string, Entry<T>>()
  private readonly ttlMs: number
  private readonly max: number

  constructor(private readonly options: VersionCacheOptions) {
    this.ttlMs = options.ttlMs ?? VERSION_CACHE_TTL_MS
    this.max = options.max ?? VERSION_CACHE_MAX
  }

  /**
   * The value for `key` at `version`: the cached one while fresh, else what `build` makes. `build`
   * is handed the value it replaces (another version, or expired), if any.
   */
  get(key: string, version: string, build: (previous: Promise<T> | undefined) => Promise<T>): Promise<T> {
    const now = this.options.clock.now()
    const entry = this.entries.get(key)
    this.entries.delete(key)
    if (entry && entry.version === version && now - entry.builtAt < this.ttlMs) {
      this.entries.set(key, entry) // most recently used last
      return entry.value
    }
    const value = build(entry?.value)
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
