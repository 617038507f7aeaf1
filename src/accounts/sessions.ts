import type { DbOrTx } from '../db/database.js'
import { hashSecret, newSecret } from '../util/ids.js'
import { deleteExpiredSessions, insertSession } from './store.js'

export interface NewSession {
  /** The cookie value. Only its hash is stored; this is the one moment it exists in clear. */
  token: string
  expiresAt: number
}

/**
 * Opens a login session for the account. Expiry slides forward as the session is used (see
 * `touchSession` in auth-store.ts); expired rows of the same account are swept here so the table
 * does not grow with abandoned logins.
 */
export async function openSession(
  db: DbOrTx,
  accountId: string,
  now: number,
  ttlMs: number,
): Promise<NewSession> {
  const token = newSecret()
  const expiresAt = now + ttlMs
  await deleteExpiredSessions(db, accountId, now)
  await insertSession(db, {
    id: hashSecret(token),
    account_id: accountId,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
  })
  return { token, expiresAt }
}
