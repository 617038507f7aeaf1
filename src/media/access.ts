import { canRead, loadAccessForChannel } from '../channels/access.js'
import type { DbOrTx } from '../db/database.js'
import type { MediaRow } from '../db/schema.js'
import { canSeePost } from '../posts/visibility.js'
import { findAttachment } from './store.js'

/**
 * Who may see a media item (its API object and its files):
 * - unattached: only its owner (`private`);
 * - attached: whoever may read the post — it is not deleted, the viewer can read the channel, and
 *   the post is published or the viewer is staff allowed to read unpublished posts.
 * It is `public` (cacheable by anyone) only when the post is published in a public or unlisted
 * channel; everyone else gets `hidden`, which callers answer exactly like a missing media id.
 */
export type MediaVisibility = 'public' | 'private' | 'hidden'

export async function mediaVisibility(
  db: DbOrTx,
  media: Pick<MediaRow, 'id' | 'owner_id'>,
  viewerId: string | null,
): Promise<MediaVisibility> {
  const attachment = await findAttachment(db, media.id)
  if (!attachment) return viewerId !== null && viewerId === media.owner_id ? 'private' : 'hidden'
  const { post, channel } = attachment
  if (post.status === 'deleted' || post.deleted_at !== null) return 'hidden'
  const access = await loadAccessForChannel(db, channel, viewerId)
  if (!canRead(access) || !canSeePost(access, post)) return 'hidden'
  return post.status === 'published' && channel.visibility !== 'private' ? 'public' : 'private'
}
