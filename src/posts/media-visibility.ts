import { canRead, findAvatarChannel, isOpenToAnyone, loadAccessForChannel } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { MediaRow } from '../db/schema.js'
import type { MediaVisibility, MediaVisibilityRule } from '../media/index.js'
import { findAttachment } from './album-store.js'
import { canSeePost } from './visibility.js'

/**
 * The media area's `MediaVisibilityRule` (the cases are listed at `MediaVisibility`): an album
 * image is as visible as its post, an avatar as its channel. It lives in posts, the lowest area that
 * knows both posts and channels, and reaches the media service through src/context.ts.
 */
export const mediaVisibility: MediaVisibilityRule = async (db, media, viewerId) => {
  const attachment = await findAttachment(db, media.id)
  if (!attachment) return avatarVisibility(db, media, viewerId)
  const { post, channel } = attachment
  if (post.status === 'deleted' || post.deleted_at !== null) return 'hidden'
  const access = await loadAccessForChannel(db, channel, viewerId)
  if (!canRead(access) || !canSeePost(access, post)) return 'hidden'
  return post.status === 'published' && channel.visibility !== 'private' ? 'public' : 'private'
}

async function avatarVisibility(
  db: DbOrTx,
  media: Pick<MediaRow, 'id' | 'owner_id'>,
  viewerId: string | null,
): Promise<MediaVisibility> {
  const channel = await findAvatarChannel(db, media.id)
  if (!channel) return viewerId !== null && viewerId === media.owner_id ? 'private' : 'hidden'
  if (isOpenToAnyone(channel)) return 'public'
  return canRead(await loadAccessForChannel(db, channel, viewerId)) ? 'private' : 'hidden'
}
