import type { DbOrTx } from '../db/database.js'
import type { PostStatus } from '../db/schema.js'
import { type FeedKey, type PostRecord, selectPosts } from '../posts/index.js'

/**
 * The skeletons of the read pipeline (pipeline.ts): which posts, in which order — one query over
 * posts' `selectPosts` each. Everything else about them comes from the hydrate step, a fixed number
 * of queries per page, never one per post.
 */

export interface FeedQuery {
  channelId: string
  statuses: readonly PostStatus[]
  pinnedOnly: boolean
  /** Keyset position: only posts strictly older than this (published_at, id). */
  before: FeedKey | null
  limit: number
}

/** A channel's posts newest first by (published_at, id), using the post_feed index. */
export async function listFeed(db: DbOrTx, q: FeedQuery): Promise<PostRecord[]> {
  if (q.statuses.length === 0) return []
  let query = selectPosts(db)
    .where('post.channel_id', '=', q.channelId)
    .where('post.status', 'in', q.statuses)
    // The keyset is (published_at, id); unpublished drafts will need their own order (created_at).
    .where('post.published_at', 'is not', null)
  if (q.pinnedOnly) query = query.where('post.pinned_at', 'is not', null)
  const before = q.before
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('post.published_at', '<', before.publishedAt),
        eb.and([eb('post.published_at', '=', before.publishedAt), eb('post.id', '<', before.id)]),
      ]),
    )
  }
  return query.orderBy('post.published_at', 'desc').orderBy('post.id', 'desc').limit(q.limit).execute()
}

/** Posts of a channel by id, in any status (the rules decide what is shown), in no set order. */
export async function postsByIds(
  db: DbOrTx,
  channelId: string,
  ids: readonly string[],
): Promise<PostRecord[]> {
  if (ids.length === 0) return []
  return selectPosts(db).where('post.channel_id', '=', channelId).where('post.id', 'in', ids).execute()
}
