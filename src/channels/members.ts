import type { Updateable } from 'kysely'
import { type DbOrTx, isUniqueViolation } from '../db/database.js'
import type { ChannelMemberTable } from '../db/schema.js'
import { fail } from '../errors.js'
import { hashSecret } from '../util/ids.js'
import { mapPage, type Page, toPage } from '../util/pagination.js'
import { assertNotSuspended, type ChannelAccess, loadChannelAccess, requirePermission } from './access.js'
import { recordAudit } from './audit.js'
import { memberCursor } from './cursor.js'
import {
  deleteJoinRequest,
  deleteMember,
  findJoinRequest,
  findMember,
  insertMember,
  listMembers,
  openJoinRequest,
  updateMember,
} from './member-store.js'
import { consumeInvite } from './moderation-store.js'
import { assertOutranks, requireAccount, viewOf } from './rules.js'
import type { ChannelViewT, JoinInput, MemberSettingsInput, MembershipViewT, MemberViewT } from './schemas.js'
import type { ChannelServiceDeps, PageRequest } from './service.js'
import { toMembershipView, toMemberView } from './views.js'

/** What a join did: joined at once, or filed a request (request-policy channels). */
export type JoinOutcome =
  | { status: 'joined'; channel: ChannelViewT }
  | { status: 'requested'; channel: ChannelViewT }

/** Joining, leaving, per-member settings, the member list and removal by staff. */
export interface MembershipService {
  /**
   * Joins under the channel's policy (`banned`, `already-member`, `channel-archived`,
   * `invite-required`, `invite-invalid`), or files a join request.
   */
  join(slug: string, accountId: string, input: JoinInput): Promise<JoinOutcome>
  /**
   * Leaves the channel (`owner-cannot-leave`, `not-a-member`); ends the caller's live subscriptions
   * after commit.
   */
  leave(slug: string, accountId: string): Promise<void>
  /** Mutes or unmutes the channel and sets the caller's notification level (`not-a-member`). */
  updateSettings(slug: string, accountId: string, input: MemberSettingsInput): Promise<MembershipViewT>
  /** Members in join order (members.list: moderator+). */
  list(slug: string, actorId: string, page: PageRequest): Promise<Page<MemberViewT>>
  /**
   * Removes a member ranked below the actor (members.remove; `member-not-found`); audited, ends
   * their subscriptions.
   */
  remove(slug: string, actorId: string, handle: string): Promise<void>
}

export function createMembershipService({
  db,
  clock,
  eventLog,
  publicUrl,
}: ChannelServiceDeps): MembershipService {
  /**
   * Joins `accountId` to the channel, or files a join request (`status: 'requested'`).
   * - open public/unlisted channel: joins; an invite, if sent, is neither needed nor used up;
   * - invite policy: needs a valid invite (403 invite-required / invite-invalid);
   * - request policy: files a pending request, unless a valid invite is sent;
   * - private channel: only a valid invite lets an outsider in; without one, or with a bad one,
   *   the channel is 404 like a missing one, so probing slugs reveals nothing.
   * Using an invite takes one use atomically, in the same transaction as the membership.
   */
  async function join(slug: string, accountId: string, input: JoinInput): Promise<JoinOutcome> {
    try {
      return await db.transaction().execute(async (tx) => {
        const access = await loadChannelAccess(tx, slug, accountId)
        if (access) assertNotSuspended(access, slug)
        const isPrivate = access?.channel.visibility === 'private'
        if (!access || (isPrivate && !access.membership && !access.isBanned && input.invite === undefined)) {
          fail('channel-not-found', `No channel "${slug}".`)
        }
        const { channel } = access
        if (access.isBanned) fail('banned', `You are banned from "${channel.slug}".`)
        if (access.membership) fail('already-member', `You are already a member of "${channel.slug}".`)
        if (channel.archived_at !== null) fail('channel-archived', `"${channel.slug}" is archived.`)
        const now = clock.now()
        const needsInvite = isPrivate || channel.join_policy !== 'open'
        if (needsInvite && input.invite !== undefined) {
          if (!(await consumeInvite(tx, channel.id, hashSecret(input.invite), now))) {
            if (isPrivate) fail('channel-not-found', `No channel "${slug}".`)
            fail('invite-invalid', 'The invite link is invalid, expired, revoked or used up.')
          }
        } else if (channel.join_policy === 'invite') {
          fail('invite-required', `"${channel.slug}" can only be joined with an invite link.`)
        } else if (channel.join_policy === 'request') {
          const pending = await findJoinRequest(tx, channel.id, accountId)
          if (pending?.status !== 'pending') {
            await openJoinRequest(tx, {
              channelId: channel.id,
              accountId,
              message: input.message ?? '',
              at: now,
            })
          }
          return {
            status: 'requested' as const,
            channel: await viewOf(tx, channel, access, accountId, publicUrl()),
          }
        }
        const membership = await insertMember(tx, { channelId: channel.id, accountId, role: null, at: now })
        await deleteJoinRequest(tx, channel.id, accountId)
        return {
          status: 'joined' as const,
          channel: await viewOf(tx, channel, { ...access, membership }, accountId, publicUrl()),
        }
      })
    } catch (error) {
      // Two joins by the same account raced: the second hit the membership primary key.
      if (isUniqueViolation(error)) fail('already-member', 'You are already a member of this channel.')
      throw error
    }
  }

  async function leave(slug: string, accountId: string): Promise<void> {
    const channelId = await db.transaction().execute(async (tx) => {
      const access = await requireOwnMembership(tx, slug, accountId)
      if (access.role === 'owner') fail('owner-cannot-leave', 'Transfer ownership before leaving.')
      await deleteMember(tx, access.channel.id, accountId)
      return access.channel.id
    })
    await eventLog.publishAccessChange({ channelId, accountId, reason: 'left' })
  }

  async function updateSettings(slug: string, accountId: string, input: MemberSettingsInput) {
    const access = await requireOwnMembership(db, slug, accountId)
    const patch: Updateable<ChannelMemberTable> = {}
    if (input.muted !== undefined) patch.muted = input.muted ? 1 : 0
    if (input.notifyLevel !== undefined) patch.notify_level = input.notifyLevel
    const member = await updateMember(db, access.channel.id, accountId, patch)
    if (!member) fail('not-a-member', `You are not a member of "${access.channel.slug}".`)
    return toMembershipView(member)
  }

  async function list(slug: string, actorId: string, page: PageRequest) {
    const access = await requirePermission(db, slug, actorId, 'members.list')
    const limit = page.limit ?? 20
    const rows = await listMembers(db, access.channel.id, memberCursor.decodeOptional(page.cursor), limit)
    const members = toPage(rows, limit, (r) =>
      memberCursor.encode({ joinedAt: r.joined_at, accountId: r.account_id }),
    )
    return mapPage(members, toMemberView)
  }

  /**
   * Removes a member (moderator+, only members ranked below the actor). They may rejoin under the
   * channel's join policy; use a ban to keep them out. Audited; ends their subscriptions.
   */
  async function remove(slug: string, actorId: string, handle: string): Promise<void> {
    const { channelId, targetId } = await db.transaction().execute(async (tx) => {
      const access = await requirePermission(tx, slug, actorId, 'members.remove')
      const target = await requireAccount(tx, handle)
      const member = await findMember(tx, access.channel.id, target.id)
      if (!member) fail('member-not-found', `@${target.handle} is not a member of "${access.channel.slug}".`)
      assertOutranks(access, target.id, member.role)
      await deleteMember(tx, access.channel.id, target.id)
      await recordAudit(tx, {
        channelId: access.channel.id,
        actorId,
        action: 'member.removed',
        targetAccountId: target.id,
        details: { role: member.role },
        at: clock.now(),
      })
      return { channelId: access.channel.id, targetId: target.id }
    })
    await eventLog.publishAccessChange({ channelId, accountId: targetId, reason: 'removed' })
  }

  return { join, leave, updateSettings, list, remove }
}

/** The caller's own membership; outsiders of a private channel get 404 as if it did not exist. */
async function requireOwnMembership(db: DbOrTx, slug: string, accountId: string): Promise<ChannelAccess> {
  const access = await loadChannelAccess(db, slug, accountId)
  if (access) assertNotSuspended(access, slug)
  if (!access || (access.channel.visibility === 'private' && !access.membership)) {
    fail('channel-not-found', `No channel "${slug}".`)
  }
  if (!access.membership) fail('not-a-member', `You are not a member of "${access.channel.slug}".`)
  return access
}
