import type { ChannelRow, DigestRow } from '../db/schema.js'
import type { ReadDeps } from '../reads/pipeline.js'
import { presentPosts } from '../reads/pipeline.js'
import { postsByIds, publishedPosts, reactionTotals } from '../reads/store.js'
import type { PublicPost } from '../reads/types.js'
import { filmingWeekOf, productionOf } from './facts.js'
import { tagsByPost } from './store.js'

const DAY_MS = 86_400_000
const CANDIDATES_MAX = 5000

/**
 * The posts a digest shows, through the public read pipeline (so an embargoed post is absent until
 * published, and spoilers are hidden, exactly as on every other surface). A manual digest shows
 * its chosen posts in the chosen order; an automatic one the `max_posts` most reacted posts of its
 * range (ties: newer first), shown in publication order.
 */
export async function digestPosts(
  deps: ReadDeps,
  channel: ChannelRow,
  digest: DigestRow,
): Promise<PublicPost[]> {
  if (digest.post_ids !== null) {
    const ids = JSON.parse(digest.post_ids) as string[]
    const records = await postsByIds(deps.db, channel.id, ids)
    const order = new Map(ids.map((id, i) => [id, i]))
    records.sort((a, b) => order.get(a.id)! - order.get(b.id)!)
    return presentPosts(deps, channel, records)
  }
  const candidates = await publishedPosts(deps.db, channel.id, {
    limit: CANDIDATES_MAX,
    ...(digest.date_from !== null && { since: digest.date_from }),
  })
  const inRange = await filterRange(deps, channel, digest, candidates)
  const reactions = await reactionTotals(
    deps.db,
    inRange.map((p) => p.id),
  )
  const top = [...inRange]
    .sort(
      (a, b) =>
        (reactions.get(b.id) ?? 0) - (reactions.get(a.id) ?? 0) ||
        b.published_at! - a.published_at! ||
        b.id.localeCompare(a.id),
    )
    .slice(0, digest.max_posts)
    .sort((a, b) => a.published_at! - b.published_at! || a.id.localeCompare(b.id))
  return presentPosts(deps, channel, top)
}

async function filterRange<T extends { id: string; published_at: number | null }>(
  deps: ReadDeps,
  channel: ChannelRow,
  digest: DigestRow,
  posts: T[],
): Promise<T[]> {
  let result = posts
  if (digest.date_to !== null) result = result.filter((p) => p.published_at! < digest.date_to! + DAY_MS)
  if (digest.week_from === null) return result
  const production = productionOf(channel)
  const tags = await tagsByPost(
    deps.db,
    result.map((p) => p.id),
  )
  const from = digest.week_from
  const to = digest.week_to ?? from
  return result.filter((p) => {
    const tag = tags.get(p.id)
    if (tag?.week_from != null) return tag.week_from <= to && (tag.week_to ?? tag.week_from) >= from
    const week = filmingWeekOf(production, p.published_at!)
    return week !== null && week >= from && week <= to
  })
}
