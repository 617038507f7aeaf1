/**
 * Counts not yet written, aggregated in memory between flushes (ReachService): a public page costs a
 * map increment, never a database write. Keys are what the surfaces saw (a post id, a slug); the
 * flush resolves them to channels and drops what may not be counted. Bounded: past `maxKeys`
 * distinct keys in one interval, new keys are dropped (and reported by `take`), so a flood of
 * made-up Referers or post ids cannot grow memory.
 */

export interface ViewCount {
  views: number
  bots: number
}

export interface PendingCounts {
  /** Channel page views: `day|slug`. */
  channelPages: Map<string, ViewCount & { day: number; slug: string }>
  /** Post views by surface (page, embed, oembed): `day|surface|postId`. */
  posts: Map<string, ViewCount & { day: number; surface: 'page' | 'embed' | 'oembed'; postId: string }>
  /** Embed views by the embedding site's origin: `day|postId|origin`. */
  embeds: Map<string, { day: number; postId: string; origin: string; views: number }>
  /** Feed fetches by reader family and format, with the largest subscriber count reported. */
  feeds: Map<
    string,
    { day: number; slug: string; reader: string; format: string; fetches: number; subscribers: number }
  >
  /** Visitor hashes per day and target (`p:postId` or `c:slug`). */
  visitors: Map<string, { day: number; target: string; hashes: Set<string> }>
  /** Keys dropped because the batch was full. */
  dropped: number
}

export function emptyCounts(): PendingCounts {
  return {
    channelPages: new Map(),
    posts: new Map(),
    embeds: new Map(),
    feeds: new Map(),
    visitors: new Map(),
    dropped: 0,
  }
}

export class Tally {
  #counts = emptyCounts()
  #keys = 0

  constructor(private readonly maxKeys: number) {}

  get isEmpty(): boolean {
    return this.#keys === 0
  }

  /** Hands over everything counted so far and starts a new batch. */
  take(): PendingCounts {
    const counts = this.#counts
    this.#counts = emptyCounts()
    this.#keys = 0
    return counts
  }

  channelPage(day: number, slug: string, isBot: boolean): void {
    const entry = this.#entry(this.#counts.channelPages, `${day}|${slug}`, () => ({
      day,
      slug,
      views: 0,
      bots: 0,
    }))
    if (entry) countView(entry, isBot)
  }

  post(day: number, surface: 'page' | 'embed' | 'oembed', postId: string, isBot: boolean): void {
    const key = `${day}|${surface}|${postId}`
    const entry = this.#entry(this.#counts.posts, key, () => ({ day, surface, postId, views: 0, bots: 0 }))
    if (entry) countView(entry, isBot)
  }

  embed(day: number, postId: string, origin: string): void {
    const entry = this.#entry(this.#counts.embeds, `${day}|${postId}|${origin}`, () => ({
      day,
      postId,
      origin,
      views: 0,
    }))
    if (entry) entry.views++
  }

  feed(day: number, slug: string, reader: string, format: string, subscribers: number): void {
    const key = `${day}|${slug}|${reader}|${format}`
    const entry = this.#entry(this.#counts.feeds, key, () => ({
      day,
      slug,
      reader,
      format,
      fetches: 0,
      subscribers: 0,
    }))
    if (!entry) return
    entry.fetches++
    entry.subscribers = Math.max(entry.subscribers, subscribers)
  }

  visitor(day: number, target: string, hash: string): void {
    const entry = this.#entry(this.#counts.visitors, `${day}|${target}`, () => ({
      day,
      target,
      hashes: new Set<string>(),
    }))
    if (!entry || entry.hashes.has(hash)) return
    if (this.#keys >= this.maxKeys) {
      this.#counts.dropped++
      return
    }
    entry.hashes.add(hash)
    this.#keys++
  }

  #entry<V>(map: Map<string, V>, key: string, create: () => V): V | null {
    const found = map.get(key)
    if (found) return found
    if (this.#keys >= this.maxKeys) {
      this.#counts.dropped++
      return null
    }
    const entry = create()
    map.set(key, entry)
    this.#keys++
    return entry
  }
}

function countView(entry: ViewCount, isBot: boolean): void {
  if (isBot) entry.bots++
  else entry.views++
}
