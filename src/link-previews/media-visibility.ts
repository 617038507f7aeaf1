import { canRead, loadAccessForChannel } from '../channels/index.js'
import type { MediaVisibility, MediaVisibilityRule } from '../media/index.js'
import { canSeePost, findPost } from '../posts/index.js'
import { postsShowingImage } from './store.js'

/**
 * Media visibility with link preview images (issue 18): such an image is as visible as the most
 * visible post that shows it — public when one is published in a public or unlisted channel,
 * private when the viewer may read one, else hidden. Other media follow `fallback` (posts'
 * rule for albums and avatars); context.ts wires the two together.
 */
export function withLinkPreviewImages(fallback: MediaVisibilityRule): MediaVisibilityRule {
  return async (db, media, viewerId) => {
    const showing = await postsShowingImage(db, media.id)
    if (showing.length === 0) return fallback(db, media, viewerId)
    let best: MediaVisibility = 'hidden'
    for (const { id, channel_id } of showing) {
      const channel = await db
        .selectFrom('channel')
        .selectAll()
        .where('id', '=', channel_id)
        .executeTakeFirst()
      const post = channel && (await findPost(db, channel.id, id))
      if (!channel || !post || post.status === 'deleted' || post.deleted_at !== null) continue
      const access = await loadAccessForChannel(db, channel, viewerId)
      if (!canRead(access) || !canSeePost(access, post)) continue
      if (post.status === 'published' && channel.visibility !== 'private') return 'public'
      best = 'private'
    }
    return best
  }
}
