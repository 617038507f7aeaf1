import { productionOf } from '../channels/index.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import { DEFAULT_LANGUAGE, type Language } from '../i18n/index.js'
import { type PublicPost, type ReadDeps, readPosts } from '../reads/index.js'
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
  language: Language = DEFAULT_LANGUAGE,
): Promise<PublicPost[]> {
  const ids =
    digest.post_ids !== null
      ? (JSON.parse(digest.post_ids) as string[])
      : await topReactedPostIds(deps.db, channel.id, productionOf(channel), digest)
  const posts = await readPosts(deps, channel, ids, { language })
  // Only published posts pass the rules: publishedAt is their publication time.
  if (digest.post_ids === null)
    posts.sort((a, b) => a.publishedAt - b.publishedAt || a.id.localeCompare(b.id))
  return posts
}
