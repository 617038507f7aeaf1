import { fail } from '../errors.js'
import { hashSecret, newId, newSecret } from '../util/ids.js'
import { mapPage, type Page, toPage } from '../util/pagination.js'
import { assertNotArchived, requirePermission } from './access.js'
import { recordAudit } from './audit.js'
import { inviteCursor } from './cursor.js'
import { findInvite, insertInvite, listInvites, revokeInvite } from './moderation-store.js'
import type { CreateInviteInput, InviteViewT } from './schemas.js'
import type { ChannelServiceDeps, PageRequest } from './service.js'
import { toInviteView } from './views.js'

/** A new invite with its clear token, shown this once. */
export interface CreatedInvite {
  channelSlug: string
  token: string
  invite: InviteViewT
}

/**
 * Invite links (admin+). The token is returned once at creation and stored only as its hash; a
 * join with it takes one use atomically (see `consumeInvite`).
 */
export interface InviteService {
  /**
   * Creates an invite (invites.manage; audited); `channel-archived` on an archived channel, which
   * takes no new members.
   */
  create(slug: string, actorId: string, input: CreateInviteInput): Promise<CreatedInvite>
  /** Invites newest first, without tokens (invites.manage). */
  list(slug: string, actorId: string, page: PageRequest): Promise<Page<InviteViewT>>
  /**
   * Revokes an invite (invites.manage; `invite-not-found`; audited); revoking a revoked one changes
   * nothing.
   */
  revoke(slug: string, actorId: string, inviteId: string): Promise<void>
}

export function createInviteService({ db, clock }: ChannelServiceDeps): InviteService {
  async function create(slug: string, actorId: string, input: CreateInviteInput): Promise<CreatedInvite> {
    return db.transaction().execute(async (tx) => {
      const access = await requirePermission(tx, slug, actorId, 'invites.manage')
      assertNotArchived(access)
      const now = clock.now()
      const token = newSecret()
      const row = await insertInvite(tx, {
        id: newId(),
        channel_id: access.channel.id,
        token_hash: hashSecret(token),
        created_by: actorId,
        max_uses: input.maxUses ?? null,
        expires_at: input.expiresInSeconds === undefined ? null : now + input.expiresInSeconds * 1000,
        revoked_at: null,
        created_at: now,
      })
      await recordAudit(tx, {
        channelId: access.channel.id,
        actorId,
        action: 'invite.created',
        details: { inviteId: row.id, maxUses: row.max_uses, expiresAt: row.expires_at },
        at: now,
      })
      return { channelSlug: access.channel.slug, token, invite: toInviteView(row) }
    })
  }

  async function list(slug: string, actorId: string, page: PageRequest) {
    const access = await requirePermission(db, slug, actorId, 'invites.manage')
    const limit = page.limit ?? 20
    const before = inviteCursor.decodeOptional(page.cursor)?.id ?? null
    const rows = await listInvites(db, access.channel.id, before, limit)
    return mapPage(
      toPage(rows, limit, (r) => inviteCursor.encode({ id: r.id })),
      toInviteView,
    )
  }

  async function revoke(slug: string, actorId: string, inviteId: string): Promise<void> {
    await db.transaction().execute(async (tx) => {
      const access = await requirePermission(tx, slug, actorId, 'invites.manage')
      const invite = await findInvite(tx, access.channel.id, inviteId)
      if (!invite) fail('invite-not-found', `No invite ${inviteId} in "${access.channel.slug}".`)
      if (invite.revoked_at !== null) return
      const now = clock.now()
      await revokeInvite(tx, access.channel.id, invite.id, now)
      await recordAudit(tx, {
        channelId: access.channel.id,
        actorId,
        action: 'invite.revoked',
        details: { inviteId: invite.id },
        at: now,
      })
    })
  }

  return { create, list, revoke }
}
