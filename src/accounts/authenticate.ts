import type { Bus, Unsubscribe } from '../bus/bus.js'
import type { DbOrTx } from '../db/database.js'
import type { Clock } from '../util/clock.js'
import { hashSecret } from '../util/ids.js'
import {
  type CachedSession,
  type CachedToken,
  createAuthCache,
  parseRevocation,
  type Revocation,
  revocationMessage,
} from './auth-cache.js'
import {
  findSessionAccount,
  findTokenAccount,
  readLiveTokenIds,
  readSessionExpiries,
  touchSession,
  touchToken,
} from './auth-store.js'

/** Bus topic of revocations: every node drops the named credentials from its cache. */
export const authRevokedTopic = 'auth.revoked'

/** A session's expiry slides forward when it is used, written at most this often. */
const SESSION_TOUCH_INTERVAL_MS = 60_000
/** A token's last_used_at is written at most this often: one write per minute, not per request. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000

export interface AuthenticatorDeps {
  db: DbOrTx
  clock: Clock
  sessionTtlMs: number
  /** Carries revocations to the other nodes; without it (the CLI) the cache's TTL is the bound. */
  bus?: Bus
}

/** Told of every revocation, made here or heard on the bus. Must not throw. */
export type RevocationListener = (what: Revocation) => void

/** Which of the asked credentials still hold: sessions with their expiry, tokens not revoked. */
export interface LiveCredentials {
  sessions: Map<string, number>
  tokens: Set<string>
}

/**
 * Turns a session cookie or an API token into its account, for every request. Found credentials
 * are cached for AUTH_CACHE_TTL_MS (auth-cache.ts). The rule that keeps this safe: every write that
 * ends a credential or changes its account calls `revoke` after it committed, which drops the entry
 * on this node at once and on the others through the bus; a node that misses the message drops it
 * when the TTL runs out. Expiry is checked on every request against the cached expiry.
 */
export interface Authenticator {
  /** The live session of a cookie value, or null (unknown, expired, logged out); slides its expiry. */
  session(cookie: string): Promise<CachedSession | null>
  /** The live API token of a presented secret, or null (unknown or revoked); notes its last use. */
  token(secret: string): Promise<CachedToken | null>
  /** Call after the write committed: drops the credential here at once, elsewhere via the bus. */
  revoke(what: Revocation): Promise<void>
  /** Calls `listener` for every revocation made here or heard on the bus; returns its removal. */
  onRevoked(listener: RevocationListener): () => void
  /** Which of the given sessions and tokens still hold, read from the database (never the cache). */
  liveCredentials(ids: { sessions: string[]; tokens: string[] }): Promise<LiveCredentials>
  /** Subscribes to the bus's revocations (once; without a bus, nothing). */
  start(): Promise<void>
  /** Leaves the bus. */
  close(): Promise<void>
}

export function createAuthenticator({ db, clock, sessionTtlMs, bus }: AuthenticatorDeps): Authenticator {
  const cache = createAuthCache(clock)
  const listeners = new Set<RevocationListener>()
  let unsubscribe: Unsubscribe | null = null

  /** One path for local revocations and the bus's: the cache first, then whoever listens (streams). */
  function revoked(message: string): void {
    cache.revoke(message)
    const what = parseRevocation(message)
    if (what) for (const listener of listeners) listener(what)
  }

  async function session(cookie: string): Promise<CachedSession | null> {
    const sessionId = hashSecret(cookie)
    const now = clock.now()
    const read = () => findSessionAccount(db, sessionId, now)
    let found = await cache.session(sessionId, read)
    if (found && found.expiresAt <= now) {
      // Expired while cached (or extended by another node): the database decides, and deletes it.
      cache.revoke(revocationMessage({ session: sessionId }))
      found = await cache.session(sessionId, read)
    }
    if (!found) return null
    if (now - found.lastSeenAt > SESSION_TOUCH_INTERVAL_MS) {
      await touchSession(db, sessionId, now, sessionTtlMs)
      found.lastSeenAt = now
      found.expiresAt = now + sessionTtlMs
    }
    return found
  }

  async function token(secret: string): Promise<CachedToken | null> {
    const tokenHash = hashSecret(secret)
    const found = await cache.token(tokenHash, async () => {
      const row = await findTokenAccount(db, tokenHash)
      return row && { ...row, scopes: new Set(row.scopes) }
    })
    if (!found) return null
    const now = clock.now()
    if (found.lastUsedAt === null || now - found.lastUsedAt >= TOKEN_TOUCH_INTERVAL_MS) {
      await touchToken(db, found.tokenId, now)
      found.lastUsedAt = now
    }
    return found
  }

  return {
    session,
    token,

    async revoke(what: Revocation): Promise<void> {
      const message = revocationMessage(what)
      revoked(message)
      await bus?.publish(authRevokedTopic, message)
    },

    // Local revocations at once; the bus's through the node's one `auth.revoked` subscription (a
    // bus that echoes to its sender repeats a local one).
    onRevoked(listener: RevocationListener): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    // Not the cache: a session extended on another node, or a revocation this node missed, is only
    // in the database. Live streams re-check in bulk with it; it neither touches nor extends anything.
    async liveCredentials(ids: { sessions: string[]; tokens: string[] }): Promise<LiveCredentials> {
      return {
        sessions: ids.sessions.length > 0 ? await readSessionExpiries(db, ids.sessions) : new Map(),
        tokens: ids.tokens.length > 0 ? await readLiveTokenIds(db, ids.tokens) : new Set(),
      }
    },

    async start(): Promise<void> {
      if (bus && !unsubscribe) unsubscribe = await bus.subscribe(authRevokedTopic, revoked)
    },

    async close(): Promise<void> {
      await unsubscribe?.()
      unsubscribe = null
    },
  }
}
