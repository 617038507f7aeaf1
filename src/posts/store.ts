import type { DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { NewPostRow, PostStatus, PostUpdate } from '../db/schema.js'
import type { FeedKey } from './cursor.js'
import type { PostRecord } from './views.js'

/** Post rows joined with their author's public names: the one query every read starts from. */
function selectPosts(db: DbOrTx) {
  return db
    .selectFrom('post')
    .innerJoin('account', 'account.id', 'post.author_id')
    .selectAll('post')
    .select(['account.handle as author_handle', 'account.display_name as author_display_name'])
}

/** Compiled once (db/prepared.ts): every write to a post and every post created reads it back. */
const findPostQuery = preparedQuery((db: DbOrTx, channelId: string, postId: string) =>
  selectPosts(db).where('post.channel_id', '=', channelId).where('post.id', '=', postId),
)

/** A post of this channel; a post id of another channel is not found here. */
export async function findPost(
  db: DbOrTx,
  channelId: string,
  postId: string,
): Promise<PostRecord | undefined> {
  return (await findPostQuery(db, channelId, postId)).rows[0]
}

export async function findPostByIdempotencyKey(
  db: DbOrTx,
  channelId: string,
  authorId: string,
  key: string,
): Promise<PostRecord | undefined> {
  return selectPosts(db)
    .where('post.channel_id', '=', channelId)
    .where('post.author_id', '=', authorId)
    .where('post.idempotency_key', '=', key)
    .executeTakeFirst()
}

export interface FeedQuery {
  channelId: string
  statuses: readonly PostStatus[]
  pinnedOnly: boolean
  /** Keyset position: only posts strictly older than this (published_at, id). */
  before: FeedKey | null
  limit: number
}

/** Newest first by (published_at, id), using the post_feed index. */
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

export async function insertPost(db: DbOrTx, row: NewPostRow): Promise<void> {
  await db.insertInto('post').values(row).execute()
}

/**
 * Takes the post's row lock for the rest of the transaction (PostgreSQL) with a no-op write, so
 * concurrent edits, deletes and pins of one post run one after the other and each reads the
 * state the previous one left. Dialect-neutral: SQLite has a single writer anyway and no
 * `SELECT … FOR UPDATE`. Returns false when the post is not in this channel.
 */
export async function lockPost(db: DbOrTx, channelId: string, postId: string): Promise<boolean> {
  const locked = await db
    .updateTable('post')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('channel_id', '=', channelId)
    .where('id', '=', postId)
    .returning('id')
    .executeTakeFirst()
  return locked !== undefined
}

export async function updatePost(db: DbOrTx, postId: string, changes: PostUpdate): Promise<void> {
  await db.updateTable('post').set(changes).where('id', '=', postId).execute()
}

export interface NewRevision {
  id: string
  post_id: string
  revision: number
  editor_id: string
  snapshot: string
  created_at: number
}

export async function insertRevision(db: DbOrTx, row: NewRevision): Promise<void> {
  await db.insertInto('post_revision').values(row).execute()
}

export async function listRevisions(db: DbOrTx, postId: string) {
  return db
    .selectFrom('post_revision')
    .innerJoin('account', 'account.id', 'post_revision.editor_id')
    .select([
      'post_revision.revision',
      'post_revision.snapshot',
      'post_revision.created_at',
      'account.handle as editor_handle',
      'account.display_name as editor_display_name',
    ])
    .where('post_revision.post_id', '=', postId)
    .orderBy('post_revision.revision', 'desc')
    .execute()
}

export async function deleteRevisions(db: DbOrTx, postId: string): Promise<void> {
  await db.deleteFrom('post_revision').where('post_id', '=', postId).execute()
}
