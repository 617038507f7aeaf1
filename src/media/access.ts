import { canRead, loadAccessForChannel } from '../channels/access.js'
import type { DbOrTx } from '../db/database.js'
import type { MediaRow } from '../db/schema.js'
import { canSeePost } from '../posts/visibility.js'
import { findAttachment, findAvatarChannel } from './store.js'

/**
 * Who may see a media item (its API object and its files):
 * - unclaimed: only its owner (`private`);
 * - in an album: whoever may read the post — it is not deleted, the viewer can read the channel,
 *   and the post is published or the viewer is staff allowed to read unpublished posts;
 * - a channel's avatar: whoever may see the channel — anyone for a public or unlisted channel
 *   (banned accounts included: the avatar is public, as the channel's page is to anyone signed
 *   out), members of a private one.
 * It is `public` (cacheable by anyone) only for a published post or the avatar of a public or
 * unlisted channel; everyone else gets `hidden`, which callers answer exactly like a missing id.
 */
export type MediaVisibility = 'public' | 'private' | 'hidden'

export async function mediaVisibility(
  db: DbOrTx,
  media: Pick<MediaRow, 'id' | 'owner_id'>,
  viewerId: string | null,
): Promise<MediaVisibility> {
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
  if (channel.visibility !== 'private') return 'public'
  return canRead(await loadAccessForChannel(db, channel, viewerId)) ? 'private' : 'hidden'
}
