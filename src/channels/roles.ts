import type { Role } from '../db/schema.js'

/**
 * What each channel role may do (DESIGN "Role"). Owner: everything, and alone transfers ownership
 * or deletes the channel. Admins: settings, roles below admin, invites, join requests, bans,
 * moderation of any post, approving creators' posts where the channel requires it (issue 16),
 * audit log. Creators: post, edit and delete their own posts, pin.
 * Moderators: ban and unban, remove members, hide answers, work through the report queue
 * (deleting reported posts and images stays with post.delete-any / post.edit-any: admins, owner).
 */
export type Permission =
  | 'post.create'
  | 'post.edit-own'
  | 'post.edit-any'
  | 'post.delete-own'
  | 'post.delete-any'
  | 'post.pin'
  | 'post.read-history'
  | 'post.read-unpublished'
  | 'post.approve'
  | 'channel.update'
  | 'channel.archive'
  | 'channel.delete'
  | 'channel.transfer'
  | 'roles.manage'
  | 'invites.manage'
  | 'requests.manage'
  | 'members.ban'
  | 'members.remove'
  | 'members.list'
  | 'audit.read'
  | 'answers.moderate'
  /** Read the channel's report queue and resolve its cases (issue 17). */
  | 'reports.resolve'

const creator: Permission[] = [
  'post.create',
  'post.edit-own',
  'post.delete-own',
  'post.pin',
  'post.read-history',
  'post.read-unpublished',
]
const moderator: Permission[] = [
  'members.ban',
  'members.remove',
  'members.list',
  'answers.moderate',
  'post.read-history',
  'reports.resolve',
]
const admin: Permission[] = [
  ...creator,
  ...moderator,
  'post.edit-any',
  'post.delete-any',
  'post.approve',
  'channel.update',
  'channel.archive',
  'roles.manage',
  'invites.manage',
  'requests.manage',
  'audit.read',
]
const owner: Permission[] = [...admin, 'channel.delete', 'channel.transfer']

const permissions: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(owner),
  admin: new Set(admin),
  creator: new Set(creator),
  moderator: new Set(moderator),
}

export function roleAllows(role: Role | null, permission: Permission): boolean {
  return role !== null && permissions[role].has(permission)
}

/** Rank for "manage roles below them": an actor may only grant or remove roles ranked below their own. */
export const roleRank: Record<Role, number> = { owner: 4, admin: 3, moderator: 2, creator: 2 }

export const staffRoles: readonly Role[] = ['owner', 'admin', 'creator', 'moderator']

export function isStaff(role: Role | null): role is Role {
  return role !== null
}
