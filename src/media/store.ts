import type { Updateable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type {
  ChannelRow,
  MediaRow,
  MediaTable,
  MediaVariant,
  PostMediaRow,
  PostRow,
  Role,
} from '../db/schema.js'

/** Plain queries over `media` and `post_media`; the rules live in service.ts. */

export async function insertMedia(db: DbOrTx, row: MediaRow): Promise<void> {
  await db.insertInto('media').values(row).execute()
}

export async function findMedia(db: DbOrTx, id: string): Promise<MediaRow | undefined> {
  return db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findMediaByIds(db: DbOrTx, ids: readonly string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return []
  return db.selectFrom('media').selectAll().where('id', 'in', ids).execute()
}

/** Sets the processing outcome; returns false when the row no longer exists (swept meanwhile). */
export async function completeMedia(
  db: DbOrTx,
  id: string,
  values: Pick<
    MediaTable,
    'status' | 'error' | 'width' | 'height' | 'blurhash' | 'original_key' | 'ready_at'
  > & {
    variants: MediaVariant[]
  },
): Promise<boolean> {
  const result = await db
    .updateTable('media')
    .set({ ...values, variants: JSON.stringify(values.variants) })
    .where('id', '=', id)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Updates the descriptive fields of an unattached media item; false if it is attached or gone. */
export async function updateUnattachedMedia(
  db: DbOrTx,
  id: string,
  values: Pick<Updateable<MediaTable>, 'alt' | 'credit' | 'spoiler'>,
): Promise<boolean> {
  const result = await db
    .updateTable('media')
    .set(values)
    .where('id', '=', id)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('post_media').select('media_id').where('media_id', '=', id))),
    )
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export interface MediaAttachment {
  link: PostMediaRow
  post: Pick<PostRow, 'id' | 'status' | 'deleted_at' | 'author_id'>
  channel: ChannelRow
}

/** The post (and its channel) a media item is attached to, if any. `media_id` is unique in post_media. */
export async function findAttachment(db: DbOrTx, mediaId: string): Promise<MediaAttachment | undefined> {
  const link = await db
    .selectFrom('post_media')
    .selectAll()
    .where('media_id', '=', mediaId)
    .executeTakeFirst()
  if (!link) return undefined
  const post = await db
    .selectFrom('post')
    .select(['id', 'status', 'deleted_at', 'author_id', 'channel_id'])
    .where('id', '=', link.post_id)
    .executeTakeFirstOrThrow()
  const channel = await db
    .selectFrom('channel')
    .selectAll()
    .where('id', '=', post.channel_id)
    .executeTakeFirstOrThrow()
  return { link, post, channel }
}

const uploaderRoles: Role[] = ['owner', 'admin', 'creator']

/** Is the account owner, admin or creator in at least one channel (who may upload)? */
export async function canUploadAnywhere(db: DbOrTx, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom('channel_member')
    .select('channel_id')
    .where('account_id', '=', accountId)
    .where('role', 'in', uploaderRoles)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Media created before `cutoff` and not attached to any post: the sweep's candidates. */
export async function listExpiredUnattached(db: DbOrTx, cutoff: number, limit: number): Promise<MediaRow[]> {
  return db
    .selectFrom('media')
    .selectAll()
    .where('created_at', '<', cutoff)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('post_media').select('media_id').whereRef('media_id', '=', 'media.id'))),
    )
    .orderBy('created_at')
    .limit(limit)
    .execute()
}

/** Deletes the row only if it is still unattached; false when it was attached (or gone) meanwhile. */
export async function deleteUnattachedMedia(db: DbOrTx, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('media')
    .where('id', '=', id)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('post_media').select('media_id').where('media_id', '=', id))),
    )
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}

/**
 * Is a stored file still used by some media row (as its original or a variant)? Keys are
 * content-addressed, so two media items with identical pixels share files. Keys match a strict
 * hex pattern, so they contain no LIKE wildcards.
 */
export async function isKeyReferenced(db: DbOrTx, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('media')
    .select('id')
    .where((eb) => eb.or([eb('original_key', '=', key), eb('variants', 'like', `%"${key}"%`)]))
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

export function parseVariants(row: Pick<MediaRow, 'variants'>): MediaVariant[] {
  return JSON.parse(row.variants) as MediaVariant[]
}

/** Every store key a media row points at. */
export function keysOf(row: Pick<MediaRow, 'original_key' | 'variants'>): string[] {
  const keys = parseVariants(row).map((v) => v.key)
  return row.original_key ? [row.original_key, ...keys] : keys
}
