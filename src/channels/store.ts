import type { ExpressionBuilder, Insertable, Updateable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { AccountRow, ChannelMemberRow, ChannelRow, ChannelTable, Database } from '../db/schema.js'

/** Channel rows and the account lookups the channel rules need. Plain queries; no policy here. */

export type ChannelWithCount = ChannelRow & { member_count: number }
export type MemberChannelRow = ChannelWithCount & {
  my_role: ChannelMemberRow['role']
  my_muted: number
  my_notify_level: ChannelMemberRow['notify_level']
  my_joined_at: number
}

export async function findChannelBySlug(db: DbOrTx, slug: string): Promise<ChannelRow | undefined> {
  return db.selectFrom('channel').selectAll().where('slug', '=', slug.toLowerCase()).executeTakeFirst()
}

export async function insertChannel(db: DbOrTx, row: Insertable<ChannelTable>): Promise<void> {
  await db.insertInto('channel').values(row).execute()
}

export async function updateChannel(
  db: DbOrTx,
  id: string,
  patch: Updateable<ChannelTable>,
): Promise<ChannelRow> {
  return db.updateTable('channel').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** Deletes the channel; members, bans, invites, requests, audit, posts and events cascade. */
export async function deleteChannel(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom('channel').where('id', '=', id).execute()
}

export async function countMembers(db: DbOrTx, channelId: string): Promise<number> {
  const row = await db
    .selectFrom('channel_member')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel_id', '=', channelId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

function memberCount(eb: ExpressionBuilder<Database, 'channel'>) {
  return eb
    .selectFrom('channel_member as counted')
    .select((c) => c.fn.countAll<number>().as('n'))
    .whereRef('counted.channel_id', '=', 'channel.id')
    .as('member_count')
}

/** Public channels, newest first (ULID ids grow with time); `limit + 1` rows. */
export async function listPublicChannels(
  db: DbOrTx,
  beforeId: string | null,
  limit: number,
): Promise<ChannelWithCount[]> {
  let query = db
    .selectFrom('channel')
    .selectAll('channel')
    .select(memberCount)
    .where('visibility', '=', 'public')
    // Suspended and hidden channels (issue 17) are listed nowhere public.
    .where('suspended_at', 'is', null)
    .where('hidden_at', 'is', null)
  if (beforeId !== null) query = query.where('channel.id', '<', beforeId)
  const rows = await query
    .orderBy('channel.id', 'desc')
    .limit(limit + 1)
    .execute()
  return rows.map((r) => ({ ...r, member_count: Number(r.member_count) }))
}

/** These channels with their member counts, in the order of `ids` (absent ones left out). */
export async function listChannelsByIds(db: DbOrTx, ids: readonly string[]): Promise<ChannelWithCount[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('channel')
    .selectAll('channel')
    .select(memberCount)
    .where('id', 'in', ids)
    .execute()
  const byId = new Map(rows.map((r) => [r.id, { ...r, member_count: Number(r.member_count) }]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}

/** Channels the account belongs to, most recently joined first; `limit + 1` rows. */
export async function listMemberChannels(
  db: DbOrTx,
  accountId: string,
  after: { joinedAt: number; channelId: string } | null,
  limit: number,
): Promise<MemberChannelRow[]> {
  let query = db
    .selectFrom('channel')
    .innerJoin('channel_member as mine', 'mine.channel_id', 'channel.id')
    .selectAll('channel')
    .select(memberCount)
    .select([
      'mine.role as my_role',
      'mine.muted as my_muted',
      'mine.notify_level as my_notify_level',
      'mine.joined_at as my_joined_at',
    ])
    .where('mine.account_id', '=', accountId)
    // A suspended channel is gone for its fans; its staff still find it (and the notice) in the studio.
    .where((eb) => eb.or([eb('channel.suspended_at', 'is', null), eb('mine.role', 'is not', null)]))
  if (after !== null) {
    query = query.where((eb) =>
      eb.or([
        eb('mine.joined_at', '<', after.joinedAt),
        eb.and([eb('mine.joined_at', '=', after.joinedAt), eb('channel.id', '<', after.channelId)]),
      ]),
    )
  }
  const rows = await query
    .orderBy('mine.joined_at', 'desc')
    .orderBy('channel.id', 'desc')
    .limit(limit + 1)
    .execute()
  return rows.map((r) => ({ ...r, member_count: Number(r.member_count) }))
}

export async function findAccountByHandle(db: DbOrTx, handle: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom('account')
    .selectAll()
    .where('handle', '=', handle.replace(/^@/, '').toLowerCase())
    .executeTakeFirst()
}
