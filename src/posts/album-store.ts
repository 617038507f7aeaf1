import type { Insertable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { ChannelRow, PostMediaRow, PostMediaTable, PostRow } from '../db/schema.js'
import { type MediaFile, mediaFileColumns } from '../media/index.js'

/**
 * Plain queries over `post_media` (an album's images). Locking, checking and deleting the `media`
 * rows an album claims is the media area's (src/media/claims.ts, src/media/store.ts).
 */

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

export async function insertAlbumLinks(db: DbOrTx, rows: Insertable<PostMediaTable>[]): Promise<void> {
  if (rows.length === 0) return
  await db.insertInto('post_media').values(rows).execute()
}

export async function deleteAlbumLinks(db: DbOrTx, postId: string): Promise<void> {
  await db.deleteFrom('post_media').where('post_id', '=', postId).execute()
}

/** An album image: the link's per-post fields with the media's pixels and files. */
export interface AlbumItemRecord extends MediaFile {
  post_id: string
  position: number
  alt: string
  credit: string | null
  rights: string | null
  spoiler: number
  spoiler_label: string | null
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
      'post_media.rights',
      'post_media.spoiler',
      'post_media.spoiler_label',
      'post_media.media_id',
      ...mediaFileColumns,
    ])
    .where('post_media.post_id', 'in', postIds)
    .orderBy('post_media.post_id')
    .orderBy('post_media.position')
    .execute()
}
