import type { DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { AccountRow, TokenScope } from '../db/schema.js'

// Every authenticated request runs one of these two lookups: compiled once (src/db/prepared.ts)
// rather than built and compiled by Kysely per request (measured: ~100 µs less per reaction under
// load in bench:interactions).
const sessionQuery = preparedQuery((db: DbOrTx, sessionId: string) =>
  db
    .selectFrom('session')
    .innerJoin('account', 'account.id', 'session.account_id')
    .selectAll('account')
    .select(['session.expires_at', 'session.last_seen_at'])
    .where('session.id', '=', sessionId),
)
const tokenQuery = preparedQuery((db: DbOrTx, tokenHash: string) =>
  db
    .selectFrom('api_token')
    .innerJoin('account', 'account.id', 'api_token.account_id')
    .selectAll('account')
    .select([
      'api_token.id as token_id',
      'api_token.scopes',
      'api_token.revoked_at',
      'api_token.last_used_at as token_last_used_at',
    ])
    .where('api_token.token_hash', '=', tokenHash),
)

/**
 * Lookups that turn a presented session cookie or API token into an account, by the hash of the
 * secret (the caller hashes: authenticate.ts caches by that hash).
 */
export async function findSessionAccount(
  db: DbOrTx,
  sessionId: string,
  now: number,
): Promise<{ account: AccountRow; sessionId: string; lastSeenAt: number; expiresAt: number } | null> {
  const [row] = (await sessionQuery(db, sessionId)).rows
  // A suspended account's sessions were deleted when it was suspended; this covers a race with that.
  if (!row || row.suspended_at !== null) return null
  if (row.expires_at <= now) {
    // Expired: the cookie is treated as absent, and the row is of no further use.
    await db.deleteFrom('session').where('id', '=', sessionId).execute()
    return null
  }
  const { expires_at, last_seen_at, ...account } = row
  return { account, sessionId, lastSeenAt: last_seen_at, expiresAt: expires_at }
}

export async function touchSession(db: DbOrTx, sessionId: string, now: number, ttlMs: number): Promise<void> {
  await db
    .updateTable('session')
    .set({ last_seen_at: now, expires_at: now + ttlMs })
    .where('id', '=', sessionId)
    .execute()
}

export async function findTokenAccount(
  db: DbOrTx,
  tokenHash: string,
): Promise<{
  account: AccountRow
  tokenId: string
  scopes: TokenScope[]
  lastUsedAt: number | null
} | null> {
  const [row] = (await tokenQuery(db, tokenHash)).rows
  // A suspended account's tokens are kept (unsuspending restores them) but refused meanwhile.
  if (!row || row.revoked_at !== null || row.suspended_at !== null) return null
  const { token_id, scopes, revoked_at: _r, token_last_used_at, ...account } = row
  return {
    account,
    tokenId: token_id,
    scopes: scopes.split(' ').filter(Boolean) as TokenScope[],
    lastUsedAt: token_last_used_at,
  }
}

/** Records token use; callers throttle it (once a minute is plenty for "last used" in a list). */
export async function touchToken(db: DbOrTx, tokenId: string, now: number): Promise<void> {
  await db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', tokenId).execute()
}

/** Ids per query when re-checking many credentials at once: far below every dialect's parameter limit. */
const CHECK_BATCH = 500

/**
 * Of `sessionIds`, those that still exist, with their expiry (expired ones included: the caller
 * compares with its clock). Live streams re-check the sessions they were opened with this way,
 * many in one query (src/delivery/stream-credentials.ts).
 */
export async function readSessionExpiries(db: DbOrTx, sessionIds: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>()
  for (let i = 0; i < sessionIds.length; i += CHECK_BATCH) {
    const rows = await db
      .selectFrom('session')
      .select(['id', 'expires_at'])
      .where('id', 'in', sessionIds.slice(i, i + CHECK_BATCH))
      .execute()
    for (const row of rows) found.set(row.id, row.expires_at)
  }
  return found
}

/** Of `tokenIds`, those not revoked, of accounts not suspended. */
export async function readLiveTokenIds(db: DbOrTx, tokenIds: string[]): Promise<Set<string>> {
  const found = new Set<string>()
  for (let i = 0; i < tokenIds.length; i += CHECK_BATCH) {
    const rows = await db
      .selectFrom('api_token')
      .innerJoin('account', 'account.id', 'api_token.account_id')
      .select('api_token.id')
      .where('api_token.id', 'in', tokenIds.slice(i, i + CHECK_BATCH))
      .where('api_token.revoked_at', 'is', null)
      .where('account.suspended_at', 'is', null)
      .execute()
    for (const row of rows) found.add(row.id)
  }
  return found
}
