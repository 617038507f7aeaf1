import { fail } from '../errors.js'
import { mapPage, type Page, toPage } from '../util/pagination.js'
import { assertNotArchived, requirePermission } from './access.js'
import { recordAudit } from './audit.js'
import { joinRequestCursor } from './cursor.js'
import { decideJoinRequest, findMember, insertMember, listPendingRequests } from './member-store.js'
import { requireAccount } from './rules.js'
import type { JoinRequestViewT } from './schemas.js'
import type { ChannelServiceDeps, PageRequest } from './service.js'
import { toJoinRequestView } from './views.js'

/** Pending join requests of request-policy channels, decided by admins. */
export interface JoinRequestService {
  /** Pending requests, oldest first (requests.manage: admin+). */
  list(slug: string, actorId: string, page: PageRequest): Promise<Page<JoinRequestViewT>>
  /**
   * Approves (adds a fan; `channel-archived` on an archived channel) or rejects @handle's pending
   * request (`join-request-not-found`); audited.
   */
  decide(
    slug: string,
    actorId: string,
    handle: string,
    decision: 'approved' | 'rejected',
  ): Promise<JoinRequestViewT>
}

export function createJoinRequestService({ db, clock }: ChannelServiceDeps): JoinRequestService {
  async function list(slug: string, actorId: string, page: PageRequest) {
    const access = await requirePermission(db, slug, actorId, 'requests.manage')
    const limit = page.limit ?? 20
    const after = joinRequestCursor.decodeOptional(page.cursor)
    const rows = await listPendingRequests(db, access.channel.id, after, limit)
    const requests = toPage(rows, limit, (r) =>
      joinRequestCursor.encode({ createdAt: r.created_at, accountId: r.account_id }),
    )
    return mapPage(requests, toJoinRequestView)
  }

  /**
   * Approves or rejects @handle's pending request (404 join-request-not-found when none is
   * pending). Approval adds them as a fan; it is refused on an archived channel.
   */
  async function decide(
    slug: string,
    actorId: string,
    handle: string,
    decision: 'approved' | 'rejected',
  ): Promise<JoinRequestViewT> {
    return db.transaction().execute(async (tx) => {
      const access = await requirePermission(tx, slug, actorId, 'requests.manage')
      if (decision === 'approved') assertNotArchived(access)
      const target = await requireAccount(tx, handle)
      const now = clock.now()
      const channelId = access.channel.id
      const decided = await decideJoinRequest(tx, channelId, target.id, {
        status: decision,
        by: actorId,
        at: now,
      })
      if (!decided) fail('join-request-not-found', `@${target.handle} has no pending request to join.`)
      if (decision === 'approved' && !(await findMember(tx, channelId, target.id))) {
        await insertMember(tx, { channelId, accountId: target.id, role: null, at: now })
      }
      await recordAudit(tx, {
        channelId,
        actorId,
        action: decision === 'approved' ? 'join-request.approved' : 'join-request.rejected',
        targetAccountId: target.id,
        details: { message: decided.message },
        at: now,
      })
      return toJoinRequestView({ ...decided, handle: target.handle, display_name: target.display_name })
    })
  }

  return { list, decide }
}
