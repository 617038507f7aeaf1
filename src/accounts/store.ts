import type { Insertable, Selectable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { AccountRow, AccountTable, ApiTokenTable, SessionTable } from '../db/schema.js'

export type ApiTokenRow = Selectable<ApiTokenTable>

/** Plain queries for accounts, sessions and API tokens. Policy lives in service.ts. */

export async function insertAccount(db: DbOrTx, row: Insertable<AccountTable>): Promise<void> {
  await db.insertInto('account').values(row).execute()
}

/** `handle` must already be lower-case (handles are stored lower-case). */
export async function findAccountByHandle(db: DbOrTx, handle: string): Promise<AccountRow | undefined> {
  return db.selectFrom('account').selectAll().where('handle', '=', handle).executeTakeFirst()
}

export async function findAccountById(db: DbOrTx, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('account').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function updateProfile(
  db: DbOrTx,
  id: string,
  changes: { display_name?: string; language?: string | null },
): Promise<void> {
  await db.updateTable('account').set(changes).where('id', '=', id).execute()
}

export async function updatePasswordHash(db: DbOrTx, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('account').set({ password_hash: passwordHash }).where('id', '=', id).execute()
}

export async function insertSession(db: DbOrTx, row: Insertable<SessionTable>): Promise<void> {
  await db.insertInto('session').values(row).execute()
}

/** The account's sessions that have not expired, most recently used first. */
export async function listSessions(db: DbOrTx, accountId: string, now: number) {
  return db
    .selectFrom('session')
    .select(['id', 'public_id', 'device', 'network', 'created_at', 'last_seen_at', 'expires_at'])
    .where('account_id', '=', accountId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .orderBy('public_id', 'desc')
    .execute()
}

export type SessionListRow = Awaited<ReturnType<typeof listSessions>>[number]

/**
 * Deletes the account's sessions named by public id (all of them but `keep` when `publicIds` is
 * 'all'); returns the row ids deleted, so their credentials can be revoked on every node.
 */
export async function deleteSessions(
  db: DbOrTx,
  accountId: string,
  which: { publicIds: readonly string[] } | { allBut: string | null },
): Promise<string[]> {
  let query = db.deleteFrom('session').where('account_id', '=', accountId)
  if ('publicIds' in which) {
    if (which.publicIds.length === 0) return []
    query = query.where('public_id', 'in', which.publicIds)
  } else if (which.allBut !== null) query = query.where('id', '!=', which.allBut)
  const rows = await query.returning('id').execute()
  return rows.map((r) => r.id)
}

export async function deleteSession(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', id).execute()
}

export async function deleteExpiredSessions(db: DbOrTx, accountId: string, now: number): Promise<void> {
  await db.deleteFrom('session').where('account_id', '=', accountId).where('expires_at', '<=', now).execute()
}

/** Deletes up to `limit` expired sessions of any account; how many it deleted. */
export async function deleteExpiredSessionBatch(db: DbOrTx, now: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('session')
    .where('id', 'in', (eb) =>
      eb.selectFrom('session').select('id').where('expires_at', '<=', now).limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function insertToken(db: DbOrTx, row: Insertable<ApiTokenTable>): Promise<void> {
  await db.insertInto('api_token').values(row).execute()
}

/** The account's tokens that are not revoked, newest first. */
export async function listLiveTokens(db: DbOrTx, accountId: string): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('api_token')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .orderBy('id', 'desc')
    .execute()
}

export async function findLiveToken(
  db: DbOrTx,
  accountId: string,
  id: string,
): Promise<ApiTokenRow | undefined> {
  return db
    .selectFrom('api_token')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export async function revokeToken(db: DbOrTx, id: string, now: number): Promise<void> {
  await db.updateTable('api_token').set({ revoked_at: now }).where('id', '=', id).execute()
}
