import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { MediaRow, PostMediaRow } from '../db/schema.js'
import type { PostRecord } from '../posts/views.js'

/**
 * The queries of the public read pipeline (pipeline.ts): skeletons of post ids, then batch loads
 * of everything a page of posts needs — a fixed number of queries per page, never one per post.
 */

function selectPosts(db: DbOrTx) {
  return db
    .selectFrom('post')
    .innerJoin('account', 'account.id', 'post.author_id')
    .selectAll('post')
    .select(['account.handle as author_handle', 'account.display_name as author_display_name'])
}

/** Newest published posts of a channel, strictly before `before` (published_at, id) when given. */
export async function publishedPosts(
  db: DbOrTx,
  channelId: string,
  options: { limit: number; before?: { publishedAt: number; id: string } | null; since?: number },
): Promise<PostRecord[]> {
  let query = selectPosts(db)
    .where('post.channel_id', '=', channelId)
    .where('post.status', '=', 'published')
    .where('post.published_at', 'is not', null)
  const before = options.before
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('post.published_at', '<', before.publishedAt),
        eb.and([eb('post.published_at', '=', before.publishedAt), eb('post.id', '<', before.id)]),
      ]),
    )
  }
  if (options.since !== undefined) query = query.where('post.published_at', '>=', options.since)
  return query.orderBy('post.published_at', 'desc').orderBy('post.id', 'desc').limit(options.limit).execute()
}

/** Posts of a channel by id, in any status (the rules decide what is shown). */
export async function postsByIds(
  db: DbOrTx,
  channelId: string,
  ids: readonly string[],
): Promise<PostRecord[]> {
  if (ids.length === 0) return []
  return selectPosts(db).where('post.channel_id', '=', channelId).where('post.id', 'in', ids).execute()
}

/** A post by id alone (embeds address posts without their channel), with its channel id. */
export async function postById(db: DbOrTx, id: string): Promise<PostRecord | undefined> {
  return selectPosts(db).where('post.id', '=', id).executeTakeFirst()
}

export type AlbumImageRow = PostMediaRow &
  Pick<MediaRow, 'status' | 'width' | 'height' | 'variants' | 'blurhash' | 'original_key'> & {
    media_spoiler: number
  }

/** The album images of these posts, in album order. */
export async function imagesByPost(
  db: DbOrTx,
  postIds: readonly string[],
): Promise<Map<string, AlbumImageRow[]>> {
  const byPost = new Map<string, AlbumImageRow[]>()
  if (postIds.length === 0) return byPost
  const rows = await db
    .selectFrom('post_media as pm')
    .innerJoin('media as m', 'm.id', 'pm.media_id')
    .selectAll('pm')
    .select([
      'm.status',
      'm.width',
      'm.height',
      'm.variants',
      'm.blurhash',
      'm.original_key',
      'm.spoiler as media_spoiler',
    ])
    .where('pm.post_id', 'in', postIds)
    .orderBy('pm.post_id')
    .orderBy('pm.position')
    .execute()
  for (const row of rows) {
    const list = byPost.get(row.post_id) ?? []
    list.push(row)
    byPost.set(row.post_id, list)
  }
  return byPost
}

/** Total reactions per post. */
export async function reactionTotals(db: DbOrTx, postIds: readonly string[]): Promise<Map<string, number>> {
  if (postIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('post_reaction')
    .select(['post_id', sql<number>`count(*)`.as('n')])
    .where('post_id', 'in', postIds)
    .groupBy('post_id')
    .execute()
  return new Map(rows.map((r) => [r.post_id, Number(r.n)]))
}

export interface QuestionRow {
  post_id: string
  question: string
  options: string | null
}

/** Poll and prompt questions (and poll options, JSON) of these posts. */
export async function questionsByPost(
  db: DbOrTx,
  postIds: readonly string[],
): Promise<Map<string, QuestionRow>> {
  if (postIds.length === 0) return new Map()
  const [polls, prompts] = await Promise.all([
    db
      .selectFrom('poll')
      .select(['post_id', 'question', 'options'])
      .where('post_id', 'in', postIds)
      .execute(),
    db.selectFrom('prompt').select(['post_id', 'question']).where('post_id', 'in', postIds).execute(),
  ])
  const map = new Map<string, QuestionRow>()
  for (const p of polls) map.set(p.post_id, p)
  for (const p of prompts) map.set(p.post_id, { ...p, options: null })
  return map
}
