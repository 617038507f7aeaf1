import type { Db } from '../db/database.js'
import type { Logger } from '../logger.js'
import { deleteFilesOfDeletedRows, deleteMediaRows } from '../media/index.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { PostHooks, PostRecord } from '../posts/index.js'
import { firstLinkOf } from './first-link.js'
import {
  deleteCachedPreview,
  deletePostLink,
  isUrlLinked,
  type PostPreviewRow,
  previewsOfPosts,
} from './store.js'
import { toLinkPreviewView } from './views.js'

export interface LinkPreviewHookDeps {
  db: Db
  mediaStore: MediaStore
  logger: Logger
  publicUrl: () => URL
}

/**
 * The link-previews area's part of posts (PostHooks): the card in the post view and for the public
 * surfaces (where the read rules hide it with a spoiler post's text), and on deletion the post's
 * link — with the cached card and its re-hosted image once no other post links that URL.
 */
export function createLinkPreviewHooks(deps: LinkPreviewHookDeps): PostHooks {
  /**
   * The cards of these posts, keyed by post. A card whose URL is no longer the post's first link
   * (the text was edited; the new one is being fetched) is not shown.
   */
  async function byPost(db: Parameters<typeof previewsOfPosts>[0], posts: readonly PostRecord[]) {
    const rows = await previewsOfPosts(
      db,
      posts.map((p) => p.id),
    )
    const firstLinks = new Map(posts.map((p) => [p.id, firstLinkOf(p.text)]))
    return new Map<string, PostPreviewRow>(
      rows.filter((r) => firstLinks.get(r.post_id) === r.url).map((r) => [r.post_id, r]),
    )
  }
  return {
    async erase(tx, post) {
      const url = await deletePostLink(tx, post.id)
      if (url === null || (await isUrlLinked(tx, url))) return undefined
      const imageId = await deleteCachedPreview(tx, url)
      if (imageId === null) return undefined
      const rows = await deleteMediaRows(tx, [imageId])
      return () => deleteFilesOfDeletedRows(deps, rows)
    },
    async hydrate(db, _access, posts, views) {
      const rows = await byPost(db, posts)
      const publicUrl = deps.publicUrl()
      posts.forEach((post, i) => {
        const row = rows.get(post.id)
        views[i]!.linkPreview = row ? toLinkPreviewView(row, publicUrl) : null
      })
    },
    async hydratePublic(db, _channel, posts, parts) {
      const rows = await byPost(db, posts)
      const publicUrl = deps.publicUrl()
      posts.forEach((post, i) => {
        const row = rows.get(post.id)
        parts[i]!.linkPreview = row ? toLinkPreviewView(row, publicUrl) : null
      })
    },
  }
}
