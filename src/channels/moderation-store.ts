import type { Insertable, Selectable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { ChannelBanTable, ChannelInviteTable } from '../db/schema.js'
import { accountKeyPage, deleteAccountRow, findAccountRow } from './account-rows.js'

/** Ban and invite rows. Plain queries; the rules live in bans.ts and invites.ts. */

export type BanRow = Selectable<ChannelBanTable>
export type InviteRow = Selectable<ChannelInviteTable>
export type BanListRow = BanRow & { handle: string; display_name: string; banned_by_handle: string }

export async function findBan(db: DbOrTx, channelId: string, accountId: string): Promise<BanRow | undefined> {
  return findAccountRow(db, 'channel_ban', channelId, accountId)
}

export async function insertBan(db: DbOrTx, row: Insertable<ChannelBanTable>): Promise<void> {
  await db.insertInto('channel_ban').values(row).execute()
}

export async function updateBanReason(
  db: DbOrTx,
  channelId: string,
  accountId: string,
  reason: string,
): Promise<void> {
  await db
    .updateTable('channel_ban')
    .set({ reason })
    .where('channel_id', '=', channelId)
    .where('account_id', '=', accountId)
    .execute()
}

export async function deleteBan(db: DbOrTx, channelId: string, accountId: string): Promise<boolean> {
  return deleteAccountRow(db, 'channel_ban', channelId, accountId)
}

function banListQuery(db: DbOrTx, channelId: string) {
  return db
    .selectFrom('channel_ban')
    .innerJoin('account', 'account.id', 'channel_ban.account_id')
    .innerJoin('account as by', 'by.id', 'channel_ban.banned_by')
    .selectAll('channel_ban')
    .select(['account.handle', 'account.display_name', 'by.handle as banned_by_handle'])
    .where('channel_ban.channel_id', '=', channelId)
}

export async function findBanView(
  db: DbOrTx,
  channelId: string,
  accountId: string,
): Promise<BanListRow | undefined> {
  return banListQuery(db, channelId).where('channel_ban.account_id', '=', accountId).executeTakeFirst()
}

/** Bans, newest first; `limit + 1` rows. */
export async function listBans(
  db: DbOrTx,
  channelId: string,
  before: { createdAt: number; accountId: string } | null,
  limit: number,
): Promise<BanListRow[]> {
  const from = before && { at: before.createdAt, accountId: before.accountId }
  const query = banListQuery(db, channelId)
  return accountKeyPage(query, 'channel_ban', 'created_at', 'desc', from, limit).execute()
}

export async function insertInvite(db: DbOrTx, row: Insertable<ChannelInviteTable>): Promise<InviteRow> {
  return db.insertInto('channel_invite').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function findInvite(db: DbOrTx, channelId: string, id: string): Promise<InviteRow | undefined> {
  return db
    .selectFrom('channel_invite')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/**
 * Takes one use of the invite with this token hash, if it belongs to the channel and is still
 * valid at `now`. One conditional UPDATE: under concurrent joins the database re-checks
 * `uses < max_uses` on the locked row, so two joiners cannot both take the last use.
 */
export async function consumeInvite(
  db: DbOrTx,
  channelId: string,
  tokenHash: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('channel_invite')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('channel_id', '=', channelId)
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Invites, newest first (ULID ids grow with time); `limit + 1` rows. */
export async function listInvites(
  db: DbOrTx,
  channelId: string,
  beforeId: string | null,
  limit: number,
): Promise<InviteRow[]> {
  let query = db.selectFrom('channel_invite').selectAll().where('channel_id', '=', channelId)
  if (beforeId !== null) query = query.where('id', '<', beforeId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

export async function revokeInvite(db: DbOrTx, channelId: string, id: string, at: number): Promise<void> {
  await db
    .updateTable('channel_invite')
    .set({ revoked_at: at })
    .where('channel_id', '=', channelId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute()
}
