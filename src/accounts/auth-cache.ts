import type { AccountRow, TokenScope } from '../db/schema.js'
import type { Clock } from '../util/clock.js'

/**
 * How long a credential read from the database is trusted without reading it again. This is the
 * bound on a revocation that another node missed (the bus is lossy): on the node that revokes, and
 * on every node that gets the bus message, it takes effect at once.
 */
export const AUTH_CACHE_TTL_MS = 5_000
/** Entries kept at most: the credentials used in the last few seconds, not every one ever seen. */
export const AUTH_CACHE_MAX = 10_000

export interface CachedSession {
  account: AccountRow
  sessionId: string
  lastSeenAt: number
  expiresAt: number
}

export interface CachedToken {
  account: AccountRow
  tokenId: string
  scopes: ReadonlySet<TokenScope>
  lastUsedAt: number | null
}

/** Credentials found recently, by the hash of their secret; only found ones are kept. */
export interface AuthCache {
  /** The cached session of `sessionId` (the cookie's hash), or `read()`'s answer, kept when found. */
  session(sessionId: string, read: () => Promise<CachedSession | null>): Promise<CachedSession | null>
  /** The cached token of `tokenHash`, or `read()`'s answer, kept when found. */
  token(tokenHash: string, read: () => Promise<CachedToken | null>): Promise<CachedToken | null>
  /** Drops what a revocation message names (`revocationMessage`); a malformed one drops nothing. */
  revoke(message: string): void
  /** Sessions and tokens held. */
  readonly size: number
}

interface Entry<T> {
  value: T
  cachedAt: number
}

/**
 * Sessions and API tokens resolved recently, by the hash of their secret (the session id, the
 * token hash): every request of a busy client would otherwise run the same indexed join.
 * Only found credentials are kept — an unknown secret is looked up each time — so a flood of
 * made-up tokens cannot fill it, and a credential just created works at once.
 *
 * A lookup that raced with a revocation must not put the revoked credential back: `load` records
 * the revocation count before it reads, and its result is kept only if nothing was revoked since.
 */
export function createAuthCache(clock: Clock, ttlMs = AUTH_CACHE_TTL_MS, max = AUTH_CACHE_MAX): AuthCache {
  const sessions = new Map<string, Entry<CachedSession>>()
  const tokens = new Map<string, Entry<CachedToken>>()
  let revocations = 0

  function get<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    const entry = map.get(key)
    if (!entry) return undefined
    if (clock.now() - entry.cachedAt < ttlMs) return entry.value
    map.delete(key)
    return undefined
  }

  /** Map order is insertion order: the first key is the oldest entry. */
  function put<T>(map: Map<string, Entry<T>>, key: string, value: T): void {
    map.delete(key)
    if (map.size >= max) map.delete(map.keys().next().value!)
    map.set(key, { value, cachedAt: clock.now() })
  }

  async function load<T>(
    map: Map<string, Entry<T>>,
    key: string,
    read: () => Promise<T | null>,
  ): Promise<T | null> {
    const cached = get(map, key)
    if (cached) return cached
    const before = revocations
    const value = await read()
    if (value && revocations === before) put(map, key, value)
    return value
  }

  return {
    session: (sessionId, read) => load(sessions, sessionId, read),
    token: (tokenHash, read) => load(tokens, tokenHash, read),

    revoke(message: string): void {
      revocations++
      const what = parseRevocation(message)
      if (!what) return
      if ('session' in what) sessions.delete(what.session)
      else if ('token' in what) {
        // Tokens are cached by the hash of their secret but revoked by id (the id is what a stream
        // opened with the token knows, see src/delivery/stream-credentials.ts). Revocations are
        // rare and the cache small: a scan is cheaper than a second index kept on every lookup.
        for (const [k, entry] of tokens) if (entry.value.tokenId === what.token) tokens.delete(k)
      } else {
        for (const map of [sessions, tokens] as Map<string, Entry<CachedSession | CachedToken>>[]) {
          for (const [k, entry] of map) if (entry.value.account.id === what.account) map.delete(k)
        }
      }
    },

    get size(): number {
      return sessions.size + tokens.size
    },
  }
}

/**
 * What to drop, as a bus message: one session (by id, the hash of its cookie), one API token (by
 * its id), or every cached credential of an account.
 *
 * `session` and `token` end a credential: live streams opened with it are closed too (the hub
 * listens through `Authenticator.onRevoked`). `account` only refreshes the cached account row (a
 * profile change) and ends nothing, so streams stay open. Ending every credential of an account (a
 * "log out everywhere", a password change — none exist yet) must revoke each session and token, or
 * add a kind here that the stream index (src/delivery/stream-credentials.ts) honours too.
 */
export type Revocation = { session: string } | { token: string } | { account: string }

export function revocationMessage(what: Revocation): string {
  if ('session' in what) return `s ${what.session}`
  if ('token' in what) return `t ${what.token}`
  return `a ${what.account}`
}

/** The revocation a bus message names, or null for a malformed one. */
export function parseRevocation(message: string): Revocation | null {
  const space = message.indexOf(' ')
  if (space < 0) return null
  const key = message.slice(space + 1)
  if (key === '') return null
  switch (message.slice(0, space)) {
    case 's':
      return { session: key }
    case 't':
      return { token: key }
    case 'a':
      return { account: key }
    default:
      return null
  }
}
