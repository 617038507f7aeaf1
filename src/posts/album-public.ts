import type { DbOrTx } from '../db/database.js'
import type { MediaRow, PostMediaRow } from '../db/schema.js'
import type { PostRecord } from './views.js'

/** An album image as the public surfaces need it: its link fields and its media's state and files. */
export type AlbumImageRow = PostMediaRow &
  Pick<
    MediaRow,
    | 'status'
    | 'width'
    | 'height'
    | 'variants'
    | 'blurhash'
    | 'original_key'
    | 'mime'
    | 'duration_ms'
    | 'waveform'
    | 'captions'
  > & {
    media_spoiler: number
  }

/** The album images of these posts, in album order (one query for the page). */
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
      'm.mime',
      'm.duration_ms',
      'm.waveform',
      'm.captions',
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

/**
 * The album hook's `hydratePublic`: every post's images (posts of other kinds get an empty album,
 * as a read of their post_media finds nothing).
 */
export async function hydrateAlbumImages(
  db: DbOrTx,
  posts: readonly PostRecord[],
  parts: { images?: AlbumImageRow[] }[],
): Promise<void> {
  const images = await imagesByPost(
    db,
    posts.map((p) => p.id),
  )
  posts.forEach((post, i) => {
    parts[i]!.images = images.get(post.id) ?? []
  })
}
