import type { TimelineWeek } from './studio-types.js'

export interface DigestCandidates {
  /** The published posts the timeline lists for the range, oldest first, each once. */
  posts: TimelineWeek['posts']
  /** True when a week has more posts than the timeline lists (6 per week). */
  hasMore: boolean
}

/**
 * What a week-range digest would draw from, before it is saved: the posts of those filming weeks
 * from `GET …/timeline` (the server's own week grouping, untagged posts by their publication week).
 * The server has no dry run for digests, and a saved digest is public at once (page and feeds), so
 * the preview reads the timeline; the saved digest's view then shows exactly what readers get.
 */
export function digestCandidates(weeks: TimelineWeek[], from: number, to: number): DigestCandidates {
  const seen = new Map<string, TimelineWeek['posts'][number]>()
  let hasMore = false
  for (const w of weeks) {
    if (w.week === null || w.week < from || w.week > to) continue
    if (w.postCount > w.posts.length) hasMore = true
    for (const p of w.posts) seen.set(p.id, p)
  }
  const posts = [...seen.values()].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt))
  return { posts, hasMore }
}
