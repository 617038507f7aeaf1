import type { DbOrTx } from '../db/database.js'
import type { LinkPreviewRow } from '../db/schema.js'
import { mediaFileColumns } from '../media/index.js'

/** Plain queries over `link_preview` (the cache by URL) and `post_link_preview` (a post's link). */

export async function findCachedPreview(db: DbOrTx, url: string): Promise<LinkPreviewRow | undefined> {
  return db.selectFrom('link_preview').selectAll().where('url', '=', url).executeTakeFirst()
}

/** Writes what a fetch found; returns the image it replaced, if any (for deletion when unused). */
export async function savePreview(db: DbOrTx, row: LinkPreviewRow): Promise<string | null> {
  const previous = await findCachedPreview(db, row.url)
  const { url, ...fields } = row
  await db
    .insertInto('link_preview')
    .values(row)
    .onConflict((oc) => oc.column('url').doUpdateSet(fields))
    .execute()
  const old = previous?.image_media_id ?? null
  return old !== row.image_media_id ? old : null
}

export async function findPostLink(db: DbOrTx, postId: string) {
  return db.selectFrom('post_link_preview').selectAll().where('post_id', '=', postId).executeTakeFirst()
}

/** Points the post at `url` (a new first link replaces the old one and forgets its removal). */
export async function setPostLink(db: DbOrTx, postId: string, url: string, now: number): Promise<void> {
  await db
    .insertInto('post_link_preview')
    .values({ post_id: postId, url, is_removed: 0, created_at: now })
    .onConflict((oc) => oc.column('post_id').doUpdateSet({ url, is_removed: 0, created_at: now }))
    .execute()
}

/** The creator took the preview off: kept as a row so the link is not fetched for the post again. */
export async function markRemoved(db: DbOrTx, postId: string, url: string, now: number): Promise<void> {
  await db
    .insertInto('post_link_preview')
    .values({ post_id: postId, url, is_removed: 1, created_at: now })
    .onConflict((oc) => oc.column('post_id').doUpdateSet({ url, is_removed: 1 }))
    .execute()
}

/** Deletes the post's link; returns the URL it pointed at. */
export async function deletePostLink(db: DbOrTx, postId: string): Promise<string | null> {
  const row = await findPostLink(db, postId)
  if (!row) return null
  await db.deleteFrom('post_link_preview').where('post_id', '=', postId).execute()
  return row.url
}

/** The shown previews of these posts (link not removed, fetch succeeded), with their image's files. */
export async function previewsOfPosts(db: DbOrTx, postIds: readonly string[]) {
  if (postIds.length === 0) return []
  return db
    .selectFrom('post_link_preview')
    .innerJoin('link_preview', 'link_preview.url', 'post_link_preview.url')
    .leftJoin('media', (join) =>
      join.onRef('media.id', '=', 'link_preview.image_media_id').on('media.status', '=', 'ready'),
    )
    .select([
      'post_link_preview.post_id',
      'link_preview.url',
      'link_preview.title',
      'link_preview.description',
      'link_preview.site_name',
      'link_preview.image_media_id',
      ...mediaFileColumns,
    ])
    .where('post_link_preview.post_id', 'in', postIds)
    .where('post_link_preview.is_removed', '=', 0)
    .where('link_preview.status', '=', 'ready')
    .execute()
}
export type PostPreviewRow = Awaited<ReturnType<typeof previewsOfPosts>>[number]

/**
 * Is this cached URL still linked by a post that is not deleted? A URL nothing links any more is
 * dropped with its image: deleted means gone, also from the cache.
 */
export async function isUrlLinked(db: DbOrTx, url: string): Promise<boolean> {
  const row = await db
    .selectFrom('post_link_preview')
    .innerJoin('post', 'post.id', 'post_link_preview.post_id')
    .select('post_link_preview.post_id')
    .where('post_link_preview.url', '=', url)
    .where('post.status', '!=', 'deleted')
    .where('post.deleted_at', 'is', null)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Drops a cached URL; returns its image's media id for deletion. */
export async function deleteCachedPreview(db: DbOrTx, url: string): Promise<string | null> {
  const row = await findCachedPreview(db, url)
  if (!row) return null
  await db.deleteFrom('link_preview').where('url', '=', url).execute()
  return row.image_media_id
}

/** The posts a link preview image is shown on, for its visibility (at most a few). */
export async function postsShowingImage(db: DbOrTx, mediaId: string) {
  return db
    .selectFrom('link_preview')
    .innerJoin('post_link_preview', 'post_link_preview.url', 'link_preview.url')
    .innerJoin('post', 'post.id', 'post_link_preview.post_id')
    .select(['post.id', 'post.channel_id'])
    .where('link_preview.image_media_id', '=', mediaId)
    .where('post_link_preview.is_removed', '=', 0)
    .limit(20)
    .execute()
}

/**
 * Cached URLs no existing post links any more (their posts went with a channel's deletion, or an
 * account's erasure, which do not run the post hooks), oldest first.
 */
export async function unlinkedPreviews(db: DbOrTx, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('link_preview')
    .select('link_preview.url')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('post_link_preview')
            .innerJoin('post', 'post.id', 'post_link_preview.post_id')
            .select('post_link_preview.post_id')
            .whereRef('post_link_preview.url', '=', 'link_preview.url')
            .where('post.status', '!=', 'deleted'),
        ),
      ),
    )
    .orderBy('link_preview.fetched_at')
    .limit(limit)
    .execute()
  return rows.map((r) => r.url)
}
