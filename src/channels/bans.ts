import { mapPage, type Page, toPage } from '../util/pagination.js'
import { requirePermission } from './access.js'
import { recordAudit } from './audit.js'
import { banCursor } from './cursor.js'
import { deleteJoinRequest, deleteMember, findMember } from './member-store.js'
import { deleteBan, findBan, findBanView, insertBan, listBans, updateBanReason } from './moderation-store.js'
import { assertOutranks, requireAccount } from './rules.js'
import type { BanViewT } from './schemas.js'
import type { ChannelServiceDeps, PageRequest } from './service.js'
import { toBanView } from './views.js'

/**
 * Bans (moderator+). A ban removes the membership and any join request, keeps the account from
 * rejoining and from reading the channel, and ends its live subscriptions after commit. Staff may
 * ban only accounts ranked below them; the owner is never banned.
 */
export interface BanService {
  /**
   * Bans @handle, member or not (members.ban; only accounts ranked below the actor); banning again
   * only updates the reason.
   */
  ban(slug: string, actorId: string, handle: string, reason?: string): Promise<BanViewT>
  /** Lifts the ban on @handle (members.ban); lifting a ban that does not exist changes nothing. */
  unban(slug: string, actorId: string, handle: string): Promise<void>
  /** Bans newest first (members.ban). */
  list(slug: string, actorId: string, page: PageRequest): Promise<Page<BanViewT>>
}

export function createBanService({ db, clock, eventLog }: ChannelServiceDeps): BanService {
  async function ban(slug: string, actorId: string, handle: string, reason?: string): Promise<BanViewT> {
    const result = await db.transaction().execute(async (tx) => {
      const access = await requirePermission(tx, slug, actorId, 'members.ban')
      const channelId = access.channel.id
      const target = await requireAccount(tx, handle)
      const member = await findMember(tx, channelId, target.id)
      assertOutranks(access, target.id, member?.role ?? null)
      const existing = await findBan(tx, channelId, target.id)
      if (existing) {
        if (reason !== undefined) await updateBanReason(tx, channelId, target.id, reason)
        return { channelId, target, isNew: false, view: await findBanView(tx, channelId, target.id) }
      }
      const now = clock.now()
      await insertBan(tx, {
        channel_id: channelId,
        account_id: target.id,
        banned_by: actorId,
        reason: reason ?? '',
        created_at: now,
      })
      await deleteMember(tx, channelId, target.id)
      await deleteJoinRequest(tx, channelId, target.id)
      await recordAudit(tx, {
        channelId,
        actorId,
        action: 'member.banned',
        targetAccountId: target.id,
        details: { reason: reason ?? '', role: member?.role ?? null, wasMember: !!member },
        at: now,
      })
      return { channelId, target, isNew: true, view: await findBanView(tx, channelId, target.id) }
    })
    if (result.isNew) {
      await eventLog.publishAccessChange({
        channelId: result.channelId,
        accountId: result.target.id,
        reason: 'banned',
      })
    }
    return toBanView(result.view!)
  }

  async function unban(slug: string, actorId: string, handle: string): Promise<void> {
    await db.transaction().execute(async (tx) => {
      const access = await requirePermission(tx, slug, actorId, 'members.ban')
      const target = await requireAccount(tx, handle)
      if (!(await deleteBan(tx, access.channel.id, target.id))) return
      await recordAudit(tx, {
        channelId: access.channel.id,
        actorId,
        action: 'member.unbanned',
        targetAccountId: target.id,
        details: {},
        at: clock.now(),
      })
    })
  }

  async function list(slug: string, actorId: string, page: PageRequest) {
    const access = await requirePermission(db, slug, actorId, 'members.ban')
    const limit = page.limit ?? 20
    const rows = await listBans(db, access.channel.id, banCursor.decodeOptional(page.cursor), limit)
    const bans = toPage(rows, limit, (r) =>
      banCursor.encode({ createdAt: r.created_at, accountId: r.account_id }),
    )
    return mapPage(bans, toBanView)
  }

  return { ban, unban, list }
}
