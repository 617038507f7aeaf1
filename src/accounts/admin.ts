import type { Db } from '../db/database.js'
import type { Clock } from '../util/clock.js'
import { liveTokenIds, setSuspended } from './admin-store.js'
import type { Authenticator } from './authenticate.js'
import { deleteSessions } from './store.js'

interface AdminDeps {
  db: Db
  clock: Clock
  auth: Pick<Authenticator, 'revoke'>
}

/**
 * Suspension by the operator (issue 17 point 5). Sessions are deleted (a suspended person logs in
 * again after the suspension ends); tokens stay in the database but are refused while the account
 * is suspended (auth-store.ts) and revoked by id here, which empties every node's auth cache of
 * them and closes the live streams opened with them (src/delivery/stream-credentials.ts).
 */
export async function suspendAccount(
  deps: AdminDeps,
  accountId: string,
  reason: string | null,
): Promise<void> {
  const { db, clock, auth } = deps
  const { sessions, tokens } = await db.transaction().execute(async (tx) => {
    await setSuspended(tx, accountId, { at: clock.now(), reason })
    return {
      sessions: await deleteSessions(tx, accountId, { allBut: null }),
      tokens: await liveTokenIds(tx, accountId),
    }
  })
  for (const session of sessions) await auth.revoke({ session })
  for (const token of tokens) await auth.revoke({ token })
  await auth.revoke({ account: accountId })
}

export async function unsuspendAccount(deps: Omit<AdminDeps, 'clock'>, accountId: string): Promise<void> {
  await setSuspended(deps.db, accountId, null)
  await deps.auth.revoke({ account: accountId })
}
