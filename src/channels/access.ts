import type { DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
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

/**
 * Every channel route starts here, so the lookups are compiled once (src/db/prepared.ts) and the
 * viewer's membership and ban come in the same statement as the channel: one indexed query instead
 * of three queries built and compiled by Kysely per request (measured in bench:interactions' text
 * posts). Nothing is cached: bans, mutes and role changes apply to the very next request.
 */
const channelQuery = preparedQuery((db: DbOrTx, slug: string) =>
  db.selectFrom('channel').selectAll().where('slug', '=', slug),
)
/** The viewer's membership and ban columns of a join on `channel_member as m` and `channel_ban as b`. */
export const viewerColumns = [
  'm.account_id as m_account_id',
  'm.role as m_role',
  'm.muted as m_muted',
  'm.notify_level as m_notify_level',
  'm.joined_at as m_joined_at',
  'b.account_id as b_account_id',
] as const
const channelAndViewerQuery = preparedQuery((db: DbOrTx, account: string, slug: string) =>
  db
    .selectFrom('channel')
    .leftJoin('channel_member as m', (j) =>
      j.onRef('m.channel_id', '=', 'channel.id').on('m.account_id', '=', account),
    )
    .leftJoin('channel_ban as b', (j) =>
      j.onRef('b.channel_id', '=', 'channel.id').on('b.account_id', '=', account),
    )
    .selectAll('channel')
    .select(viewerColumns)
    .where('channel.slug', '=', slug),
)
const viewerQuery = preparedQuery((db: DbOrTx, account: string, channelId: string) =>
  db
    .selectFrom('channel')
    .leftJoin('channel_member as m', (j) =>
      j.onRef('m.channel_id', '=', 'channel.id').on('m.account_id', '=', account),
    )
    .leftJoin('channel_ban as b', (j) =>
      j.onRef('b.channel_id', '=', 'channel.id').on('b.account_id', '=', account),
    )
    .select(viewerColumns)
    .where('channel.id', '=', channelId),
)

interface ViewerColumns {
  m_account_id: string | null
  m_role: Role | null
  m_muted: number | null
  m_notify_level: ChannelMemberRow['notify_level'] | null
  m_joined_at: number | null
  b_account_id: string | null
}

/**
 * The channel's own columns of a joined row. Spelled out rather than taken with `...rest`: object
 * rest over a wide row costs more than the rest of the hot reaction path's JavaScript, and the type
 * annotation makes the compiler name any channel column added later.
 */
export function channelOfRow(row: ChannelRow): ChannelRow {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    visibility: row.visibility,
    join_policy: row.join_policy,
    reaction_set: row.reaction_set,
    production: row.production,
    last_seq: row.last_seq,
    require_approval: row.require_approval,
    archived_at: row.archived_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    suspended_at: row.suspended_at,
    suspension_reason: row.suspension_reason,
    hidden_at: row.hidden_at,
    featured_at: row.featured_at,
  }
}

/**
 * The access of `accountId` from the joined columns (absent row, or an anonymous viewer whose join
 * matched nothing: neither member nor banned).
 */
export function accessFromColumns(
  channel: ChannelRow,
  accountId: string | null,
  row: ViewerColumns | undefined,
): ChannelAccess {
  const membership: ChannelMemberRow | null =
    !row || row.m_account_id === null
      ? null
      : {
          channel_id: channel.id,
          account_id: row.m_account_id,
          role: row.m_role,
          muted: row.m_muted!,
          notify_level: row.m_notify_level!,
          joined_at: row.m_joined_at!,
        }
  return {
    channel,
    accountId,
    membership,
    role: membership?.role ?? null,
    isBanned: !!row && row.b_account_id !== null,
  }
}

export async function loadChannelAccess(
  db: DbOrTx,
  slug: string,
  accountId: string | null,
): Promise<ChannelAccess | null> {
  const key = slug.toLowerCase()
  if (!accountId) {
    const [channel] = (await channelQuery(db, key)).rows
    return channel ? accessFromColumns(channel, null, undefined) : null
  }
  const [row] = (await channelAndViewerQuery(db, accountId, key)).rows
  return row ? accessFromColumns(channelOfRow(row), accountId, row) : null
}

export async function loadAccessForChannel(
  db: DbOrTx,
  channel: ChannelRow,
  accountId: string | null,
): Promise<ChannelAccess> {
  if (!accountId) return accessFromColumns(channel, null, undefined)
  const [row] = (await viewerQuery(db, accountId, channel.id)).rows
  return accessFromColumns(channel, accountId, row)
}

/**
 * Suspended by a server operator (issue 17): the channel answers 404 on every surface — API, pages,
 * feeds, oEmbed, embeds, media, streams — as if it did not exist.
 */
export function isSuspended(channel: Pick<ChannelRow, 'suspended_at'>): boolean {
  return channel.suspended_at !== null
}

/** Anyone may read it without an account: neither private nor suspended (feeds, oEmbed, embeds, avatars). */
export function isOpenToAnyone(channel: Pick<ChannelRow, 'visibility' | 'suspended_at'>): boolean {
  return channel.visibility !== 'private' && !isSuspended(channel)
}

/**
 * A suspended channel is `channel-not-found` for everyone but its staff, who get the 404
 * `channel-suspended` with the operators' reason: the studio shows it as a notice.
 */
export function assertNotSuspended(access: ChannelAccess, slug: string): void {
  if (!isSuspended(access.channel)) return
  if (access.role === null) fail('channel-not-found', `No channel "${slug}".`)
  const reason = access.channel.suspension_reason ?? ''
  fail(
    'channel-suspended',
    `"${access.channel.slug}" is suspended by the server's operators${reason ? `: ${reason}` : '.'}`,
    { reason, suspendedAt: new Date(access.channel.suspended_at!).toISOString() },
  )
}

/**
 * Can this viewer read the channel's published posts? Public and unlisted channels: anyone who is
 * not banned. Private channels: members only.
 */
export function canRead(access: ChannelAccess): boolean {
  if (access.isBanned || isSuspended(access.channel)) return false
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
  if (!access) fail('channel-not-found', `No channel "${slug}".`)
  assertReadable(access, slug)
  return access
}

/**
 * The answers for a viewer who may not read the channel: outsiders of a private channel get
 * `channel-not-found` (indistinguishable from a missing one), banned accounts `banned`.
 */
export function assertReadable(access: ChannelAccess, slug: string): void {
  assertNotSuspended(access, slug)
  if (access.channel.visibility === 'private' && !access.membership && !access.isBanned) {
    fail('channel-not-found', `No channel "${slug}".`)
  }
  if (access.isBanned) fail('banned', `You are banned from "${access.channel.slug}".`)
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
