import type { DbOrTx } from '../db/database.js'
import type { ChannelMemberRow, ChannelRow, Role } from '../db/schema.js'
import { fail } from '../errors.js'
import { type Permission, roleAllows } from './roles.js'

/** What one viewer (or an anonymous visitor) is to one channel; the input of every channel rule. */
export interface ChannelAccess {
  channel: ChannelRow
  accountId: string | null
  membership: ChannelMemberRow | null
  role: Role | null
  isBanned: boolean
}

export async function loadChannelAccess(
  db: DbOrTx,
  slug: string,
  accountId: string | null,
): Promise<ChannelAccess | null> {
  const channel = await db
    .selectFrom('channel')
    .selectAll()
    .where('slug', '=', slug.toLowerCase())
    .executeTakeFirst()
  if (!channel) return null
  return loadAccessForChannel(db, channel, accountId)
}

export async function loadAccessForChannel(
  db: DbOrTx,
  channel: ChannelRow,
  accountId: string | null,
): Promise<ChannelAccess> {
  if (!accountId) return { channel, accountId, membership: null, role: null, isBanned: false }
  const [membership, ban] = await Promise.all([
    db
      .selectFrom('channel_member')
      .selectAll()
      .where('channel_id', '=', channel.id)
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
    db
      .selectFrom('channel_ban')
      .select('account_id')
      .where('channel_id', '=', channel.id)
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
  ])
  return {
    channel,
    accountId,
    membership: membership ?? null,
    role: membership?.role ?? null,
    isBanned: !!ban,
  }
}

/**
 * Can this viewer read the channel's published posts? Public and unlisted channels: anyone who is
 * not banned. Private channels: members only.
 */
export function canRead(access: ChannelAccess): boolean {
  if (access.isBanned) return false
  if (access.channel.visibility !== 'private') return true
  return access.membership !== null
}

/**
 * Loads the channel and checks the viewer may see it. A private channel is indistinguishable from a
 * missing one for outsiders: both are `channel-not-found`.
 */
export async function requireReadableChannel(
  db: DbOrTx,
  slug: string,
  accountId: string | null,
): Promise<ChannelAccess> {
  const access = await loadChannelAccess(db, slug, accountId)
  if (!access || (access.channel.visibility === 'private' && !access.membership && !access.isBanned)) {
    fail('channel-not-found', `No channel "${slug}".`)
  }
  if (access.isBanned) fail('banned', `You are banned from "${access.channel.slug}".`)
  return access
}

/** Like `requireReadableChannel`, then checks the viewer's role grants `permission`. */
export async function requirePermission(
  db: DbOrTx,
  slug: string,
  accountId: string,
  permission: Permission,
): Promise<ChannelAccess> {
  const access = await requireReadableChannel(db, slug, accountId)
  assertPermission(access, permission)
  return access
}

export function assertPermission(access: ChannelAccess, permission: Permission): void {
  if (!roleAllows(access.role, permission)) {
    fail(
      'not-allowed',
      `Your role in "${access.channel.slug}" (${access.role ?? 'fan'}) does not allow ${permission}.`,
    )
  }
}

export function assertNotArchived(access: ChannelAccess): void {
  if (access.channel.archived_at !== null) fail('channel-archived', `"${access.channel.slug}" is archived.`)
}
