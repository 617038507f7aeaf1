import type { Role } from '../app/types.js'

/**
 * What each studio page offers a role, mirroring the server's table (docs/api.md "Roles and
 * permissions"). The UI hides what a role cannot do; the server refuses it anyway.
 */

/** Posts, drafts, schedules, previews and digests (`post.create`, `post.read-unpublished`). */
export function canPost(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin' || role === 'creator'
}

/** Settings and production facts (`channel.update`), invites, requests, the audit log (`audit.read`). */
export function canAdminister(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin'
}

/** Approving or returning posts in review (`post.approve`). */
export function canApprove(role: Role | null | undefined): boolean {
  return canAdminister(role)
}

/** In a channel that requires approval, a creator submits posts for review instead of publishing. */
export function mustSubmitForReview(
  requireApproval: boolean | undefined,
  role: Role | null | undefined,
): boolean {
  return requireApproval === true && canPost(role) && !canApprove(role)
}

/** Editing someone else's post needs `post.edit-any` (owner, admin); creators edit their own. */
export function canEditPost(
  role: Role | null | undefined,
  authorHandle: string,
  myHandle: string | undefined,
): boolean {
  return canAdminister(role) || (canPost(role) && authorHandle === myHandle)
}

/** The report queue (`reports.resolve`): moderators, admins and the owner. */
export function canModerate(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin' || role === 'moderator'
}
