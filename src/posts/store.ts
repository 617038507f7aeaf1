import { type DbOrTx, isPostgres } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { NewPostRow, PostUpdate } from '../db/schema.js'
import type { PostRecord } from './views.js'

/**
 * Post rows joined with their author's public names: the one query every read starts from — the
 * posts area's own reads here, and the read pipeline's skeletons (reads/store.ts).
 */
export function selectPosts(db: DbOrTx) {
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

export async function insertPost(db: DbOrTx, row: NewPostRow): Promise<void> {
  await db.insertInto('post').values(row).execute()
}

/**
 * Inserts the post and returns it as `findPost` would (with its author's names). PostgreSQL: one
 * statement, the insert a CTE read back with RETURNING — a round trip less in every publishing
 * transaction (issue 21 part 3). SQLite: insert, then read (round trips cost nothing there).
 */
export async function insertPostReturning(db: DbOrTx, row: NewPostRow): Promise<PostRecord> {
  if (!isPostgres(db)) {
    await insertPost(db, row)
    return (await findPost(db, row.channel_id, row.id))!
  }
  return db
    .with('p', (q) => q.insertInto('post').values(row).returningAll())
    .selectFrom('p')
    .innerJoin('account', 'account.id', 'p.author_id')
    .selectAll('p')
    .select(['account.handle as author_handle', 'account.display_name as author_display_name'])
    .executeTakeFirstOrThrow() as Promise<PostRecord>
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
