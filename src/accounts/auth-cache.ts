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
export function createAuthCache(clock: Clock, ttlMs = AUTH_CACHE_TTL_MS, max = AUTH_CACHE_MAX) {
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
    /** The cached session, or `read()`'s answer (kept when found). */
    session: (sessionId: string, read: () => Promise<CachedSession | null>) =>
      load(sessions, sessionId, read),
    token: (tokenHash: string, read: () => Promise<CachedToken | null>) => load(tokens, tokenHash, read),

    /** Drops what a revocation message names; see `revocationMessage`. */
    revoke(message: string): void {
      revocations++
      const [kind, key] = splitMessage(message)
      if (kind === 's') sessions.delete(key)
      else if (kind === 't') tokens.delete(key)
      else if (kind === 'a') {
        for (const map of [sessions, tokens] as Map<string, Entry<CachedSession | CachedToken>>[]) {
          for (const [k, entry] of map) if (entry.value.account.id === key) map.delete(k)
        }
      }
    },

    get size(): number {
      return sessions.size + tokens.size
    },
  }
}

export type AuthCache = ReturnType<typeof createAuthCache>

/** What to drop, as a bus message: one session, one token, or every credential of an account. */
export type Revocation = { session: string } | { token: string } | { account: string }

export function revocationMessage(what: Revocation): string {
  if ('session' in what) return `s ${what.session}`
  if ('token' in what) return `t ${what.token}`
  return `a ${what.account}`
}

function splitMessage(message: string): [string, string] {
  const space = message.indexOf(' ')
  return space < 0 ? ['', ''] : [message.slice(0, space), message.slice(space + 1)]
}
