import { setImmediate } from 'node:timers/promises'
import type { DbOrTx } from '../db/database.js'
import { hashSecret, newId, newSecret } from '../util/ids.js'
import { deviceLabel, type LoginClient, networkOf } from './devices.js'
import { deleteExpiredSessionBatch, deleteExpiredSessions, insertSession } from './store.js'

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
  client: LoginClient = {},
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
    public_id: newId(),
    device: deviceLabel(client.userAgent),
    network: networkOf(client.address),
  })
  return { token, expiresAt }
}

/** How often expired sessions are deleted (once per cluster: a repeated job on the Queue, context.ts). */
export const SESSION_EXPIRY_INTERVAL_MS = 3_600_000

/** About 30 ms of SQLite write per batch (100,000 expired of 200,000 sessions: 6 s in all). */
const EXPIRY_BATCH = 500

/**
 * Deletes every session past its expiry. An expired session is refused already (auth-store.ts);
 * this keeps the rows of logins never used again — whose account does not log in again to sweep
 * them (`openSession`) — from piling up. In batches, yielding to the event loop between them:
 * better-sqlite3 runs each one synchronously, and the first run on a server with years of abandoned
 * logins must not hold requests up for seconds.
 */
export async function expireSessions(db: DbOrTx, now: number): Promise<number> {
  let deleted = 0
  for (;;) {
    const batch = await deleteExpiredSessionBatch(db, now, EXPIRY_BATCH)
    deleted += batch
    if (batch < EXPIRY_BATCH) return deleted
    await setImmediate()
  }
}
