import type { DbOrTx } from '../db/database.js'
import type { AccountRow, TokenScope } from '../db/schema.js'
import { hashSecret } from '../util/ids.js'

/** Lookups that turn a presented session cookie or API token into an account. Secrets are hashed first. */
export async function findSessionAccount(
  db: DbOrTx,
  sessionToken: string,
  now: number,
): Promise<{ account: AccountRow; sessionId: string; lastSeenAt: number } | null> {
  const sessionId = hashSecret(sessionToken)
  const row = await db
    .selectFrom('session')
    .innerJoin('account', 'account.id', 'session.account_id')
    .selectAll('account')
    .select(['session.expires_at', 'session.last_seen_at'])
    .where('session.id', '=', sessionId)
    .executeTakeFirst()
  if (!row || row.expires_at <= now) return null
  const { expires_at: _e, last_seen_at, ...account } = row
  return { account, sessionId, lastSeenAt: last_seen_at }
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
  token: string,
): Promise<{ account: AccountRow; tokenId: string; scopes: TokenScope[] } | null> {
  const row = await db
    .selectFrom('api_token')
    .innerJoin('account', 'account.id', 'api_token.account_id')
    .selectAll('account')
    .select(['api_token.id as token_id', 'api_token.scopes', 'api_token.revoked_at'])
    .where('api_token.token_hash', '=', hashSecret(token))
    .executeTakeFirst()
  if (!row || row.revoked_at !== null) return null
  const { token_id, scopes, revoked_at: _r, ...account } = row
  return { account, tokenId: token_id, scopes: scopes.split(' ').filter(Boolean) as TokenScope[] }
}
