import type { Db } from '../db/database.js'
import { fail } from '../errors.js'
import type { Logger } from '../logger.js'
import { type DeletedMediaRow, deleteFilesOfDeletedRows } from '../media/index.js'
import type { MediaStore } from '../media-store/media-store.js'
import { editAlbum, eraseAlbum, insertAlbum } from './album-claim.js'
import { type AlbumItemPlan, cleanAlbumInput } from './album-input.js'
import { hydrateAlbumImages } from './album-public.js'
import { type AlbumItemRecord, listAlbumItems, listAlbumLinks } from './album-store.js'
import { toAlbumItemSnapshot, toAlbumItemView } from './album-views.js'
import type { AfterCommit, PostHooks } from './hooks.js'

export interface AlbumHooksDeps {
  db: Db
  mediaStore: MediaStore
  /** Read at each use: with PORT=0 the public URL is known only once the server listens. */
  publicUrl: () => URL
  logger: Logger
}

/**
 * Album posts (issue 3): a post with `media` is an album of 1–20 uploads, in order, each with its
 * own alt text, credit and spoiler flag. Plugs into the post service as PostHooks, so an album is
 * published, edited and deleted in the post's one transaction with its event:
 * - create: the uploads are claimed inside the transaction (album-claim.ts); any bad id fails the
 *   whole post with nothing written. The files are already durable: an upload answers only once
 *   processing has stored them (DESIGN rule 4).
 * - read: every view of a page of posts gets its `media` from one query (hydrate); the public
 *   surfaces get the images with their media rows (hydratePublic, album-public.ts).
 * - edit: the full new list replaces the old; images left out are deleted, as on deletion.
 * - delete: the album's media rows go in the delete's transaction and their files right after
 *   commit, so a deleted post's images are served to nobody, its owner included.
 */
export function createAlbumHooks(deps: AlbumHooksDeps): PostHooks {
  const logger = deps.logger.child({ area: 'albums' })

  /** Files go only after the rows are committed gone (media/files.ts deleteFilesOfDeletedRows). */
  function deleteFiles(rows: readonly DeletedMediaRow[]): AfterCommit | undefined {
    if (rows.length === 0) return undefined
    return () => deleteFilesOfDeletedRows({ ...deps, logger }, rows)
  }

  return {
    prepare: (input) => (input.media ? { kind: 'album', parts: cleanAlbumInput(input.media) } : null),
    insert: (tx, postId, parts, context) =>
      insertAlbum(tx, postId, parts as AlbumItemPlan[], context.actorId),
    prepareEdit: (input) => (input.media === undefined ? null : cleanAlbumInput(input.media)),
    async snapshot(db, post) {
      if (post.kind !== 'album') return null
      return { media: (await listAlbumLinks(db, post.id)).map(toAlbumItemSnapshot) }
    },
    async edit(tx, post, plan, context) {
      if (post.kind !== 'album') {
        const message = 'only an album post has images'
        fail('validation', `Invalid body: /media: ${message}.`, {
          errors: [{ field: '/media', message }],
        })
      }
      const result = await editAlbum(tx, post.id, plan as AlbumItemPlan[], context.actorId)
      return { changed: result.changed, afterCommit: deleteFiles(result.removed) }
    },
    async erase(tx, post) {
      return post.kind === 'album' ? deleteFiles(await eraseAlbum(tx, post.id)) : undefined
    },
    async hydrate(db, _access, posts, views) {
      const albumIds = posts.filter((p) => p.kind === 'album').map((p) => p.id)
      if (albumIds.length === 0) return
      const byPost = new Map<string, AlbumItemRecord[]>()
      for (const item of await listAlbumItems(db, albumIds)) {
        const list = byPost.get(item.post_id)
        if (list) list.push(item)
        else byPost.set(item.post_id, [item])
      }
      const publicUrl = deps.publicUrl()
      posts.forEach((post, i) => {
        if (post.kind !== 'album') return
        views[i]!.media = (byPost.get(post.id) ?? []).map((item) => toAlbumItemView(item, publicUrl))
      })
    },
    hydratePublic: (db, _channel, posts, parts) => hydrateAlbumImages(db, posts, parts),
  }
}
