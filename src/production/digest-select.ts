import { productionOf } from '../channels/index.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import { DEFAULT_LANGUAGE, type Language } from '../i18n/index.js'
import { type PublicPost, type ReadDeps, readPosts } from '../reads/index.js'
import { topReactedPostIds } from './digest-store.js'

/**
 * The ids a digest draws its posts from: a manual digest's chosen posts in the chosen order, or
 * an automatic one's `max_posts` most reacted posts of its range (ties: newer first) — chosen by
 * one query with a LIMIT, so a digest reads at most `max_posts` posts however many the range holds.
 */
export async function digestPostIds(
  deps: ReadDeps,
  channel: ChannelRow,
  digest: DigestRow,
): Promise<{ ids: string[]; isManual: boolean }> {
  if (digest.post_ids !== null) return { ids: JSON.parse(digest.post_ids) as string[], isManual: true }
  return { ids: await topReactedPostIds(deps.db, channel.id, productionOf(channel), digest), isManual: false }
}

/** An automatic digest shows its posts in publication order (a manual one keeps the chosen order). */
export function byPublication<T extends { publishedAt: number; id: string }>(a: T, b: T): number {
  return a.publishedAt - b.publishedAt || a.id.localeCompare(b.id)
}

/**
 * The posts a digest shows, through the public read pipeline (so an embargoed post is absent until
 * published, and spoilers are hidden, exactly as on every other surface).
 */
export async function digestPosts(
  deps: ReadDeps,
  channel: ChannelRow,
  digest: DigestRow,
  language: Language = DEFAULT_LANGUAGE,
): Promise<PublicPost[]> {
  const { ids, isManual } = await digestPostIds(deps, channel, digest)
  const posts = await readPosts(deps, channel, ids, { language })
  // Only published posts pass the rules: publishedAt is their publication time.
  if (!isManual) posts.sort(byPublication)
  return posts
}
