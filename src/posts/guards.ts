import { assertPermission, type ChannelAccess, type Permission, roleAllows } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import { fail } from '../errors.js'
import { findPost, lockPost } from './store.js'
import type { PostRecord } from './views.js'
import { canSeePost } from './visibility.js'

function notFound(postId: string, slug: string): never {
  fail('post-not-found', `No post "${postId}" in "${slug}".`)
}

/**
 * The post with this id in this channel, if the viewer may see it. The channel comes from the
 * path and the id is never trusted on its own: another channel's post id is `post-not-found`,
 * exactly like an unknown id, and so is a post the viewer may not read (deleted, draft).
 */
export async function requireVisiblePost(
  db: DbOrTx,
  access: ChannelAccess,
  postId: string,
): Promise<PostRecord> {
  const post = await findPost(db, access.channel.id, postId)
  if (!post || !canSeePost(access, post)) notFound(postId, access.channel.slug)
  return post
}

/** Like `requireVisiblePost`, inside a write transaction, holding the post's row lock. */
export async function lockVisiblePost(
  tx: DbOrTx,
  access: ChannelAccess,
  postId: string,
): Promise<PostRecord> {
  if (!(await lockPost(tx, access.channel.id, postId))) notFound(postId, access.channel.slug)
  return requireVisiblePost(tx, access, postId)
}

/**
 * Authors act on their own posts with the `own` permission; anyone else needs `any` (admins,
 * owners). Losing the creator role takes away the right to edit one's old posts too.
 */
export function assertMayModify(
  access: ChannelAccess,
  post: PostRecord,
  own: Permission,
  any: Permission,
): void {
  if (post.author_id === access.accountId && roleAllows(access.role, own)) return
  assertPermission(access, any)
}

/**
 * Sign-off (issue 16): in a channel that requires approval, only those who may approve (owners,
 * admins) publish or schedule directly; a creator saves a draft and submits it for review.
 */
export function assertMayRelease(access: ChannelAccess): void {
  if (access.channel.require_approval !== 1 || roleAllows(access.role, 'post.approve')) return
  fail(
    'approval-required',
    `"${access.channel.slug}" requires approval of creators' posts: save the post as a draft (status "draft") ` +
      'and submit it for review (POST …/posts/{id}/review); an owner or admin then publishes or schedules it.',
  )
}
