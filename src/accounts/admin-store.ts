import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'

/** Plain queries for the operator's view of accounts and for suspension (policy: admin.ts). */

export async function setSuspended(
  db: DbOrTx,
  accountId: string,
  suspension: { at: number; reason: string | null } | null,
): Promise<void> {
  await db
    .updateTable('account')
    .set({ suspended_at: suspension?.at ?? null, suspension_reason: suspension?.reason ?? null })
    .where('id', '=', accountId)
    .execute()
}

/** Ids of the account's tokens that are not revoked (suspension ends their streams). */
export async function liveTokenIds(db: DbOrTx, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('api_token')
    .select('id')
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute()
  return rows.map((r) => r.id)
}

/** Clears a pending deletion; true if one was pending. */
export async function clearDeletion(db: DbOrTx, accountId: string): Promise<boolean> {
  const result = await db
    .updateTable('account')
    .set({ deletion_requested_at: null, deletion_due_at: null })
    .where('id', '=', accountId)
    .where('deletion_due_at', 'is not', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * Every account that is not erased, by handle, with when it was last seen: the latest use of a
 * session or an API token (null when never).
 */
export async function listAccountsForOperator(db: DbOrTx) {
  return db
    .selectFrom('account')
    .select([
      'id',
      'handle',
      'display_name',
      'is_admin',
      'created_at',
      'suspended_at',
      'suspension_reason',
      'deletion_due_at',
      (eb) =>
        eb
          .selectFrom('session')
          .select(sql<number | null>`max(last_seen_at)`.as('s'))
          .whereRef('session.account_id', '=', 'account.id')
          .as('session_seen_at'),
      (eb) =>
        eb
          .selectFrom('api_token')
          .select(sql<number | null>`max(last_used_at)`.as('t'))
          .whereRef('api_token.account_id', '=', 'account.id')
          .as('token_used_at'),
    ])
    .where('erased_at', 'is', null)
    .orderBy('handle')
    .execute()
}

export type OperatorAccountRow = Awaited<ReturnType<typeof listAccountsForOperator>>[number]
