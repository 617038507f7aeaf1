import type { DbOrTx } from '../db/database.js'
import type { MediaRow } from '../db/schema.js'

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

/**
 * Decides a viewer's `MediaVisibility` of one media item. The answer depends on the post or the
 * channel that claimed the item, and both areas sit above media, so media takes the rule as a
 * dependency: it is implemented where posts and channels are known (src/posts/media-visibility.ts)
 * and wired in src/context.ts.
 */
export type MediaVisibilityRule = (
  db: DbOrTx,
  media: Pick<MediaRow, 'id' | 'owner_id'>,
  viewerId: string | null,
) => Promise<MediaVisibility>
