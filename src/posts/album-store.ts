import type { Insertable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { MediaRow, PostMediaRow, PostMediaTable } from '../db/schema.js'
import { type DeletedMediaRow, type MediaFile, mediaFileColumns } from '../media/store.js'

/** Plain queries over `post_media` (an album's images) and the `media` rows it claims. */

/**
 * Takes the row locks of these media items for the rest of the transaction (PostgreSQL) with a
 * no-op write, then reads them. Two albums claiming the same upload at once thus run one after the
 * other, and the second sees the first's link; a concurrent unattached-media sweep cannot delete a
 * row between our check and our link. Ids are locked in sorted order so that two claims of
 * overlapping sets cannot deadlock. SQLite has a single writer, which gives the same guarantee.
 */
export async function lockMediaRows(db: DbOrTx, ids: readonly string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return []
  const sorted = [...ids].sort()
  await db
    .updateTable('media')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('id', 'in', sorted)
    .execute()
  return db.selectFrom('media').selectAll().where('id', 'in', sorted).execute()
}

/** Which of these media ids are claimed already: in some album, or a channel's avatar. */
export async function findLinkedMediaIds(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom('post_media')
    .select('media_id')
    .where('media_id', 'in', ids)
    .union(db.selectFrom('channel_avatar').select('media_id').where('media_id', 'in', ids))
    .execute()
  return new Set(rows.map((r) => r.media_id))
}

/** A post's album links, in album order. */
export async function listAlbumLinks(db: DbOrTx, postId: string): Promise<PostMediaRow[]> {
  return db.selectFrom('post_media').selectAll().where('post_id', '=', postId).orderBy('position').execute()
}

/** The media ids of every album image in a channel (to delete them with the channel). */
export async function listChannelAlbumMediaIds(db: DbOrTx, channelId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('post_media')
    .innerJoin('post', 'post.id', 'post_media.post_id')
    .select('post_media.media_id')
    .where('post.channel_id', '=', channelId)
    .execute()
  return rows.map((r) => r.media_id)
}

export async function insertAlbumLinks(db: DbOrTx, rows: Insertable<PostMediaTable>[]): Promise<void> {
  if (rows.length === 0) return
  await db.insertInto('post_media').values(rows).execute()
}

export async function deleteAlbumLinks(db: DbOrTx, postId: string): Promise<void> {
  await db.deleteFrom('post_media').where('post_id', '=', postId).execute()
}

/** Deletes media rows (their album links must be gone); returns the rows as they were. */
export async function deleteMediaRows(db: DbOrTx, ids: readonly string[]): Promise<DeletedMediaRow[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('media').selectAll().where('id', 'in', ids).execute()
  // Renderings (blurred stand-ins) go with their media row by cascade: read their keys first, so
  // their files are deleted with the others' (keysOf).
  const renderings = await db
    .selectFrom('media_rendering')
    .select(['media_id', 'key'])
    .where('media_id', 'in', ids)
    .execute()
  await db.deleteFrom('media').where('id', 'in', ids).execute()
  return rows.map((row) => ({
    ...row,
    renderingKeys: renderings.filter((r) => r.media_id === row.id).map((r) => r.key),
  }))
}

/** An album image: the link's per-post fields with the media's pixels and files. */
export interface AlbumItemRecord extends MediaFile {
  post_id: string
  position: number
  alt: string
  credit: string | null
  spoiler: number
  media_id: string
}

/** The images of a page of albums in one query, ordered by post, then album order. */
export async function listAlbumItems(db: DbOrTx, postIds: readonly string[]): Promise<AlbumItemRecord[]> {
  if (postIds.length === 0) return []
  return db
    .selectFrom('post_media')
    .innerJoin('media', 'media.id', 'post_media.media_id')
    .select([
      'post_media.post_id',
      'post_media.position',
      'post_media.alt',
      'post_media.credit',
      'post_media.spoiler',
      'post_media.media_id',
      ...mediaFileColumns,
    ])
    .where('post_media.post_id', 'in', postIds)
    .orderBy('post_media.post_id')
    .orderBy('post_media.position')
    .execute()
}
