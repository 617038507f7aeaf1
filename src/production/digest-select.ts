import { productionOf } from '../channels/production-facts.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import type { ReadDeps } from '../reads/pipeline.js'
import { presentPosts } from '../reads/pipeline.js'
import { postsByIds } from '../reads/store.js'
import type { PublicPost } from '../reads/types.js'
import { topReactedPostIds } from './digest-store.js'

/**
 * The posts a digest shows, through the public read pipeline (so an embargoed post is absent until
 * published, and spoilers are hidden, exactly as on every other surface). A manual digest shows
 * its chosen posts in the chosen order; an automatic one the `max_posts` most reacted posts of its
 * range (ties: newer first), shown in publication order — chosen by one query with a LIMIT, so a
 * digest reads at most `max_posts` posts however many the range holds.
 */
export async function digestPosts(
  deps: ReadDeps,
  channel: ChannelRow,
  digest: DigestRow,
): Promise<PublicPost[]> {
  const ids =
    digest.post_ids !== null
      ? (JSON.parse(digest.post_ids) as string[])
      : await topReactedPostIds(deps.db, channel.id, productionOf(channel), digest)
  const records = await postsByIds(deps.db, channel.id, ids)
  if (digest.post_ids !== null) {
    const order = new Map(ids.map((id, i) => [id, i]))
    records.sort((a, b) => order.get(a.id)! - order.get(b.id)!)
  } else {
    records.sort((a, b) => a.published_at! - b.published_at! || a.id.localeCompare(b.id))
  }
  return presentPosts(deps, channel, records)
}
