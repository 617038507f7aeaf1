import type { Selectable, Updateable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { ChannelMemberRow, ChannelMemberTable, JoinRequestTable, Role } from '../db/schema.js'
import { accountKeyPage, deleteAccountRow, findAccountRow } from './account-rows.js'

/** Membership and join-request rows. Plain queries; the rules live in the services. */

export type JoinRequestRow = Selectable<JoinRequestTable>
export type MemberListRow = ChannelMemberRow & { handle: string; display_name: string }
export type JoinRequestListRow = JoinRequestRow & { handle: string; display_name: string }

export async function findMember(
  db: DbOrTx,
  channelId: string,
  accountId: string,
): Promise<ChannelMemberRow | undefined> {
  return findAccountRow(db, 'channel_member', channelId, accountId)
}

export async function insertMember(
  db: DbOrTx,
  member: { channelId: string; accountId: string; role: Role | null; at: number },
): Promise<ChannelMemberRow> {
  return db
    .insertInto('channel_member')
    .values({
      channel_id: member.channelId,
      account_id: member.accountId,
      role: member.role,
      joined_at: member.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateMember(
  db: DbOrTx,
  channelId: string,
  accountId: string,
  patch: Updateable<ChannelMemberTable>,
): Promise<ChannelMemberRow | undefined> {
  return db
    .updateTable('channel_member')
    .set(patch)
    .where('channel_id', '=', channelId)
    .where('account_id', '=', accountId)
    .returningAll()
    .executeTakeFirst()
}

/**
 * Sets a role only if the member still has `expected` (compare-and-set): true when it changed.
 * Ownership transfer relies on it so two concurrent transfers cannot both demote the same owner.
 */
export async function swapRole(
  db: DbOrTx,
  channelId: string,
  accountId: string,
  expected: Role,
  role: Role | null,
): Promise<boolean> {
  const result = await db
    .updateTable('channel_member')
    .set({ role })
    .where('channel_id', '=', channelId)
    .where('account_id', '=', accountId)
    .where('role', '=', expected)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function deleteMember(db: DbOrTx, channelId: string, accountId: string): Promise<boolean> {
  return deleteAccountRow(db, 'channel_member', channelId, accountId)
}

export async function memberAccountIds(db: DbOrTx, channelId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('channel_member')
    .select('account_id')
    .where('channel_id', '=', channelId)
    .execute()
  return rows.map((r) => r.account_id)
}

/** Members in the order they joined; `limit + 1` rows. */
export async function listMembers(
  db: DbOrTx,
  channelId: string,
  after: { joinedAt: number; accountId: string } | null,
  limit: number,
): Promise<MemberListRow[]> {
  const query = db
    .selectFrom('channel_member')
    .innerJoin('account', 'account.id', 'channel_member.account_id')
    .selectAll('channel_member')
    .select(['account.handle', 'account.display_name'])
    .where('channel_member.channel_id', '=', channelId)
  const from = after && { at: after.joinedAt, accountId: after.accountId }
  return accountKeyPage(query, 'channel_member', 'joined_at', 'asc', from, limit).execute()
}

export async function findJoinRequest(
  db: DbOrTx,
  channelId: string,
  accountId: string,
): Promise<JoinRequestRow | undefined> {
  return findAccountRow(db, 'join_request', channelId, accountId)
}

/** Creates the request, or reopens an earlier decided one (one row per account and channel). */
export async function openJoinRequest(
  db: DbOrTx,
  request: { channelId: string; accountId: string; message: string; at: number },
): Promise<JoinRequestRow> {
  const values = {
    status: 'pending' as const,
    message: request.message,
    created_at: request.at,
    decided_by: null,
    decided_at: null,
  }
  return db
    .insertInto('join_request')
    .values({ channel_id: request.channelId, account_id: request.accountId, ...values })
    .onConflict((oc) => oc.columns(['channel_id', 'account_id']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Decides a pending request (compare-and-set on status); undefined when none was pending. */
export async function decideJoinRequest(
  db: DbOrTx,
  channelId: string,
  accountId: string,
  decision: { status: 'approved' | 'rejected'; by: string; at: number },
): Promise<JoinRequestRow | undefined> {
  return db
    .updateTable('join_request')
    .set({ status: decision.status, decided_by: decision.by, decided_at: decision.at })
    .where('channel_id', '=', channelId)
    .where('account_id', '=', accountId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()
}

export async function deleteJoinRequest(db: DbOrTx, channelId: string, accountId: string): Promise<void> {
  await deleteAccountRow(db, 'join_request', channelId, accountId)
}

/** Pending requests, oldest first; `limit + 1` rows. */
export async function listPendingRequests(
  db: DbOrTx,
  channelId: string,
  after: { createdAt: number; accountId: string } | null,
  limit: number,
): Promise<JoinRequestListRow[]> {
  const query = db
    .selectFrom('join_request')
    .innerJoin('account', 'account.id', 'join_request.account_id')
    .selectAll('join_request')
    .select(['account.handle', 'account.display_name'])
    .where('join_request.channel_id', '=', channelId)
    .where('join_request.status', '=', 'pending')
  const from = after && { at: after.createdAt, accountId: after.accountId }
  return accountKeyPage(query, 'join_request', 'created_at', 'asc', from, limit).execute()
}
