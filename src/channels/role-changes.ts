import type { DbOrTx } from '../db/database.js'
import type { AccountRow, ChannelMemberRow, Role } from '../db/schema.js'
import { fail } from '../errors.js'
import { assertPermission, type ChannelAccess, requirePermission } from './access.js'
import { recordAudit } from './audit.js'
import { deleteJoinRequest, findMember, insertMember, swapRole, updateMember } from './member-store.js'
import { findBan } from './moderation-store.js'
import { assertOutranks, requireAccount } from './rules.js'
import type { MemberViewT } from './schemas.js'
import type { ChannelServiceDeps } from './service.js'
import { toMemberView } from './views.js'

/**
 * Granting, removing and transferring channel roles. Rules:
 * - 'owner' is granted only by the owner, and only as a transfer: the target becomes owner and the
 *   old owner becomes admin, in one transaction, so there is exactly one owner at all times;
 * - admins grant and remove only 'creator' and 'moderator', and only on members ranked below them;
 * - nobody changes their own role (the owner hands over ownership instead);
 * - banned accounts get no role. Granting a staff role to a non-member adds them as a member (a
 *   guest creator invited by handle); ownership goes only to an existing member.
 */
export interface RoleService {
  /**
   * Grants `role` to @handle under the rules above (`not-allowed`, `role-conflict`); 'owner'
   * transfers ownership. Audited.
   */
  grant(slug: string, actorId: string, handle: string, role: Role): Promise<MemberViewT>
  /**
   * Takes @handle's role away, back to fan (`member-not-found`); the owner's is only transferred.
   * Audited.
   */
  remove(slug: string, actorId: string, handle: string): Promise<MemberViewT>
}

export function createRoleService({ db, clock }: ChannelServiceDeps): RoleService {
  /** Returns the target's membership. Granting the role they have is a no-op. */
  async function grant(slug: string, actorId: string, handle: string, role: Role): Promise<MemberViewT> {
    return db.transaction().execute(async (tx) => {
      const { access, target, member } = await loadChange(tx, slug, actorId, handle)
      if (role === 'owner') return transfer(tx, access, target, member)
      if (access.role !== 'owner' && role === 'admin') {
        fail('not-allowed', 'Only the owner can make admins; admins grant creator and moderator.')
      }
      if (member) assertOutranks(access, target.id, member.role)
      if (member?.role === role) return toView(target, member)
      const now = clock.now()
      let updated: ChannelMemberRow | undefined
      if (member) {
        updated = await updateMember(tx, access.channel.id, target.id, { role })
      } else {
        if (access.channel.archived_at !== null)
          fail('channel-archived', 'An archived channel takes no new members.')
        updated = await insertMember(tx, {
          channelId: access.channel.id,
          accountId: target.id,
          role,
          at: now,
        })
        await deleteJoinRequest(tx, access.channel.id, target.id)
      }
      await recordAudit(tx, {
        channelId: access.channel.id,
        actorId,
        action: 'role.granted',
        targetAccountId: target.id,
        details: { oldRole: member?.role ?? null, newRole: role, addedAsMember: !member },
        at: now,
      })
      return toView(target, updated!)
    })
  }

  async function remove(slug: string, actorId: string, handle: string): Promise<MemberViewT> {
    return db.transaction().execute(async (tx) => {
      const { access, target, member } = await loadChange(tx, slug, actorId, handle)
      if (!member) fail('member-not-found', `@${target.handle} is not a member of "${access.channel.slug}".`)
      if (member.role === null) return toView(target, member)
      assertOutranks(access, target.id, member.role)
      // Unreachable through the rank check above (nobody ranks above the owner), but
      // kept so that a future change to the ranks cannot leave a channel without an owner.
      if (member.role === 'owner') fail('role-conflict', 'The owner role can only be transferred.')
      const updated = await updateMember(tx, access.channel.id, target.id, { role: null })
      await recordAudit(tx, {
        channelId: access.channel.id,
        actorId,
        action: 'role.removed',
        targetAccountId: target.id,
        details: { oldRole: member.role, newRole: null },
        at: clock.now(),
      })
      return toView(target, updated!)
    })
  }

  /**
   * Demotes the acting owner to admin with a compare-and-set before promoting the target: of two
   * concurrent transfers the second finds no owner to demote and fails (the database's one-owner
   * index backs this up).
   */
  async function transfer(
    tx: DbOrTx,
    access: ChannelAccess,
    target: AccountRow,
    member: ChannelMemberRow | undefined,
  ): Promise<MemberViewT> {
    assertPermission(access, 'channel.transfer')
    if (!member) fail('role-conflict', `@${target.handle} must be a member to receive ownership.`)
    const channelId = access.channel.id
    if (!(await swapRole(tx, channelId, access.accountId!, 'owner', 'admin'))) {
      fail('role-conflict', 'You are no longer the owner of this channel.')
    }
    const updated = await updateMember(tx, channelId, target.id, { role: 'owner' })
    await recordAudit(tx, {
      channelId,
      actorId: access.accountId!,
      action: 'ownership.transferred',
      targetAccountId: target.id,
      details: { oldRole: member.role, newRole: 'owner', previousOwnerRole: 'admin' },
      at: clock.now(),
    })
    return toView(target, updated!)
  }

  return { grant, remove }
}

/** Authorises a role change and loads its target; refuses self-changes and banned targets. */
async function loadChange(tx: DbOrTx, slug: string, actorId: string, handle: string) {
  const access = await requirePermission(tx, slug, actorId, 'roles.manage')
  const target = await requireAccount(tx, handle)
  if (target.id === actorId) fail('role-conflict', 'You cannot change your own role.')
  if (await findBan(tx, access.channel.id, target.id)) {
    fail('role-conflict', `@${target.handle} is banned from "${access.channel.slug}"; unban them first.`)
  }
  const member = await findMember(tx, access.channel.id, target.id)
  return { access, target, member }
}

function toView(account: AccountRow, member: ChannelMemberRow): MemberViewT {
  return toMemberView({ ...member, handle: account.handle, display_name: account.display_name })
}
