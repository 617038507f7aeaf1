import type { ChannelMemberRow, ChannelRow } from '../db/schema.js'
import type { AuditEntryRow } from './audit.js'
import type { JoinRequestListRow, JoinRequestRow, MemberListRow } from './member-store.js'
import type { BanListRow, InviteRow } from './moderation-store.js'
import { productionOf } from './production-facts.js'
import { isStaff } from './roles.js'
import type {
  AuditEntryViewT,
  BanViewT,
  ChannelAvatarViewT,
  ChannelListItemT,
  ChannelViewT,
  InviteViewT,
  JoinRequestStateT,
  JoinRequestViewT,
  MembershipViewT,
  MemberViewT,
  PublicChannelViewT,
  ViewerViewT,
} from './schemas.js'
import type { ChannelWithCount, MemberChannelRow } from './store.js'

/** Presenters: database rows → the camelCase API shapes declared in schemas.ts. */

/** The reactions a channel offers while its `reaction_set` is null. */
export const DEFAULT_REACTIONS: readonly string[] = ['❤️', '😂', '😮', '😢', '🔥', '👏']

const iso = (ms: number) => new Date(ms).toISOString()
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms))

export function reactionSetOf(channel: ChannelRow): string[] {
  return channel.reaction_set === null
    ? [...DEFAULT_REACTIONS]
    : (JSON.parse(channel.reaction_set) as string[])
}

/**
 * What anyone who can read the channel sees; also the data of `channel.updated` events (build it
 * with `loadPublicChannelView`, which looks up the member count and the avatar).
 */
export function toPublicChannelView(
  channel: ChannelRow,
  memberCount: number,
  avatar: ChannelAvatarViewT | null,
): PublicChannelViewT {
  return {
    id: channel.id,
    slug: channel.slug,
    title: channel.title,
    description: channel.description,
    visibility: channel.visibility,
    joinPolicy: channel.join_policy,
    reactionSet: reactionSetOf(channel),
    memberCount,
    archived: channel.archived_at !== null,
    createdAt: iso(channel.created_at),
    updatedAt: iso(channel.updated_at),
    // Production facts (issue 6): PUT /api/v1/channels/{slug}/production.
    production: productionOf(channel),
    // Avatar (issue 5): PATCH /api/v1/channels/{slug} with avatarMediaId; see avatar.ts.
    avatar,
  }
}

export interface ViewerFacts {
  membership: ChannelMemberRow | null
  isBanned: boolean
  joinRequest: JoinRequestRow | null
}

export function toViewerView(facts: ViewerFacts): ViewerViewT {
  const m = facts.membership
  return {
    role: m?.role ?? null,
    isMember: m !== null,
    muted: m !== null && m.muted === 1,
    notifyLevel: m?.notify_level ?? null,
    isBanned: facts.isBanned,
    joinRequest: facts.joinRequest ? toJoinRequestState(facts.joinRequest) : null,
  }
}

export function toChannelView(
  channel: ChannelRow,
  memberCount: number,
  avatar: ChannelAvatarViewT | null,
  viewer: ViewerFacts,
): ChannelViewT {
  const view: ChannelViewT = {
    ...toPublicChannelView(channel, memberCount, avatar),
    viewer: toViewerView(viewer),
  }
  // A channel's sign-off rule is its staff's business (issue 16); fans see no such field.
  if (isStaff(viewer.membership?.role ?? null)) view.requireApproval = channel.require_approval === 1
  return view
}

export function toChannelListItem(
  row: ChannelWithCount | MemberChannelRow,
  avatar: ChannelAvatarViewT | null,
): ChannelListItemT {
  const item: ChannelListItemT = toPublicChannelView(row, row.member_count, avatar)
  if ('my_joined_at' in row) {
    item.membership = {
      role: row.my_role,
      muted: row.my_muted === 1,
      notifyLevel: row.my_notify_level,
      joinedAt: iso(row.my_joined_at),
    }
  }
  return item
}

export function toMembershipView(member: ChannelMemberRow): MembershipViewT {
  return {
    role: member.role,
    muted: member.muted === 1,
    notifyLevel: member.notify_level,
    joinedAt: iso(member.joined_at),
  }
}

export function toMemberView(row: MemberListRow): MemberViewT {
  return { handle: row.handle, displayName: row.display_name, role: row.role, joinedAt: iso(row.joined_at) }
}

export function toInviteView(row: InviteRow): InviteViewT {
  return {
    id: row.id,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresAt: isoOrNull(row.expires_at),
    revoked: row.revoked_at !== null,
    createdAt: iso(row.created_at),
  }
}

export function toJoinRequestState(row: JoinRequestRow): JoinRequestStateT {
  return {
    status: row.status,
    message: row.message,
    createdAt: iso(row.created_at),
    decidedAt: isoOrNull(row.decided_at),
  }
}

export function toJoinRequestView(row: JoinRequestListRow): JoinRequestViewT {
  return { handle: row.handle, displayName: row.display_name, ...toJoinRequestState(row) }
}

export function toBanView(row: BanListRow): BanViewT {
  return {
    handle: row.handle,
    displayName: row.display_name,
    reason: row.reason,
    bannedBy: row.banned_by_handle,
    createdAt: iso(row.created_at),
  }
}

export function toAuditEntryView(row: AuditEntryRow): AuditEntryViewT {
  return {
    id: row.id,
    actorHandle: row.actor_handle,
    action: row.action,
    targetHandle: row.target_handle,
    targetPostId: row.target_post_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
    createdAt: iso(row.created_at),
  }
}

/** The join link of a new invite: the web app's /join page, which posts the token back. */
export function inviteUrl(publicUrl: URL, slug: string, token: string): string {
  return `${publicUrl.href.replace(/\/+$/, '')}/join/${encodeURIComponent(slug)}?invite=${encodeURIComponent(token)}`
}
