import type { DbOrTx } from '../db/database.js'
import type { ChannelRow, Visibility } from '../db/schema.js'
import { fail } from '../errors.js'
import { recordAudit } from './audit.js'
import type { ChannelServiceDeps } from './service.js'
import { findChannelBySlug } from './store.js'

/**
 * What the server's operators (accounts created with `--admin`) do to a channel as a whole
 * (issue 17): suspend it — it answers 404 on every surface, its streams end, its staff see why in
 * the studio — or hide it — listed nowhere public (the channel directory), still reachable by its
 * address, like an unlisted channel. Each change is in the channel's audit log, with the operator
 * as actor, so the channel's owner can see who did it.
 */
export interface OperatorService {
  /** Suspends or lifts the suspension (`not-server-admin`, `channel-not-found`); setting the current state changes nothing. */
  setSuspended(slug: string, operatorId: string, on: boolean, reason?: string): Promise<OperatorChannelView>
  /** Hides the channel from public listings or lists it again; same refusals. */
  setHidden(slug: string, operatorId: string, on: boolean): Promise<OperatorChannelView>
  /**
   * Features the channel in the public directory (issue 19: featured channels list first, the most
   * recently featured first) or stops featuring it; same refusals. A hidden, suspended, unlisted or
   * private channel stays out of the directory all the same.
   */
  setFeatured(slug: string, operatorId: string, on: boolean): Promise<OperatorChannelView>
  /** Every channel with its owner, member count and state, newest first (operators only). */
  list(operatorId: string): Promise<OperatorChannelView[]>
}

export interface OperatorChannelView {
  slug: string
  title: string
  owner: string | null
  members: number
  visibility: Visibility
  /** active | hidden | suspended (suspended wins over hidden). */
  state: 'active' | 'hidden' | 'suspended'
  suspensionReason: string | null
  archived: boolean
  /** Featured in the public directory (issue 19). */
  featured: boolean
}

/** The account must be a server operator. */
export async function requireOperator(db: DbOrTx, accountId: string): Promise<void> {
  const row = await db.selectFrom('account').select('is_admin').where('id', '=', accountId).executeTakeFirst()
  if (row?.is_admin !== 1) fail('not-server-admin', "Only the server's operators can do this.")
}

function stateOf(channel: Pick<ChannelRow, 'suspended_at' | 'hidden_at'>): OperatorChannelView['state'] {
  if (channel.suspended_at !== null) return 'suspended'
  return channel.hidden_at !== null ? 'hidden' : 'active'
}

async function listOperatorChannels(db: DbOrTx, slug?: string): Promise<OperatorChannelView[]> {
  let query = db
    .selectFrom('channel')
    .leftJoin('channel_member as o', (j) =>
      j.onRef('o.channel_id', '=', 'channel.id').on('o.role', '=', 'owner'),
    )
    .leftJoin('account as owner', 'owner.id', 'o.account_id')
    .selectAll('channel')
    .select('owner.handle as owner_handle')
    .select((eb) =>
      eb
        .selectFrom('channel_member as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.channel_id', '=', 'channel.id')
        .as('member_count'),
    )
  if (slug !== undefined) query = query.where('channel.slug', '=', slug.toLowerCase())
  const rows = await query.orderBy('channel.id', 'desc').execute()
  return rows.map((r) => ({
    slug: r.slug,
    title: r.title,
    owner: r.owner_handle,
    members: Number(r.member_count),
    visibility: r.visibility,
    state: stateOf(r),
    suspensionReason: r.suspension_reason,
    archived: r.archived_at !== null,
    featured: r.featured_at !== null,
  }))
}

export function createOperatorService(deps: ChannelServiceDeps): OperatorService {
  const { db, clock, eventLog } = deps

  async function change(
    slug: string,
    operatorId: string,
    apply: (tx: DbOrTx, channel: ChannelRow, now: number) => Promise<boolean>,
  ): Promise<{ channel: ChannelRow; changed: boolean }> {
    return db.transaction().execute(async (tx) => {
      await requireOperator(tx, operatorId)
      const channel = await findChannelBySlug(tx, slug)
      if (!channel) fail('channel-not-found', `No channel "${slug}".`)
      return { channel, changed: await apply(tx, channel, clock.now()) }
    })
  }

  async function view(slug: string): Promise<OperatorChannelView> {
    return (await listOperatorChannels(db, slug))[0]!
  }

  async function setSuspended(slug: string, operatorId: string, on: boolean, reason = '') {
    const { channel, changed } = await change(slug, operatorId, async (tx, channel, now) => {
      if ((channel.suspended_at !== null) === on) return false
      await tx
        .updateTable('channel')
        .set({ suspended_at: on ? now : null, suspension_reason: on ? reason.trim().slice(0, 500) : null })
        .where('id', '=', channel.id)
        .execute()
      await recordAudit(tx, {
        channelId: channel.id,
        actorId: operatorId,
        action: on ? 'channel.suspended' : 'channel.unsuspended',
        details: on ? { reason: reason.trim().slice(0, 500) } : {},
        at: now,
      })
      return true
    })
    // After commit, on every node: open streams of the channel end (a heartbeat re-check in
    // delivery/channel-feeds.ts catches a node the bus did not reach).
    if (changed && on) {
      await eventLog.publishAccessChange({
        channelId: channel.id,
        accountId: null,
        reason: 'channel-suspended',
      })
    }
    if (changed) await eventLog.announceChannelChange(channel.id)
    return view(slug)
  }

  async function setHidden(slug: string, operatorId: string, on: boolean) {
    const { channel, changed } = await change(slug, operatorId, async (tx, channel, now) => {
      if ((channel.hidden_at !== null) === on) return false
      await tx
        .updateTable('channel')
        .set({ hidden_at: on ? now : null })
        .where('id', '=', channel.id)
        .execute()
      await recordAudit(tx, {
        channelId: channel.id,
        actorId: operatorId,
        action: on ? 'channel.hidden' : 'channel.unhidden',
        details: {},
        at: now,
      })
      return true
    })
    if (changed) await eventLog.announceChannelChange(channel.id)
    return view(slug)
  }

  async function setFeatured(slug: string, operatorId: string, on: boolean) {
    await change(slug, operatorId, async (tx, channel, now) => {
      if ((channel.featured_at !== null) === on) return false
      await tx
        .updateTable('channel')
        .set({ featured_at: on ? now : null })
        .where('id', '=', channel.id)
        .execute()
      await recordAudit(tx, {
        channelId: channel.id,
        actorId: operatorId,
        action: on ? 'channel.featured' : 'channel.unfeatured',
        details: {},
        at: now,
      })
      return true
    })
    return view(slug)
  }

  async function list(operatorId: string) {
    await requireOperator(db, operatorId)
    return listOperatorChannels(db)
  }

  return { setSuspended, setHidden, setFeatured, list }
}
