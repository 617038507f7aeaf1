import type { LiveCredentials, Revocation } from '../accounts/index.js'
import type { Auth } from '../http/auth.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import type { Connection } from './connection.js'
import { type CloseCode, closeCodes, errorFrame } from './protocol.js'
import { PreparedControl } from './wire.js'

/**
 * How often a stream's credential is read again from the database even though no revocation was
 * heard: the bus is lossy (DESIGN rule 1), so this bounds how long a stream outlives a logout or a
 * revoked token whose `auth.revoked` message this node missed. One batched query per due set.
 */
export const CREDENTIAL_RECHECK_MS = 60_000

/** What opened a stream: a session (by id, the hash of its cookie) or an API token (by id). */
export type StreamCredential = { session: string } | { token: string }

/** The credential of an authenticated request, as a stream remembers it; null when anonymous. */
export function streamCredential(auth: Auth | null): StreamCredential | null {
  if (auth?.via === 'session' && auth.sessionId !== undefined) return { session: auth.sessionId }
  if (auth?.via === 'token' && auth.tokenId !== undefined) return { token: auth.tokenId }
  return null
}

/** The part of a connection this needs (tests use small fakes). */
export type CredentialStream = Pick<Connection, 'transport' | 'isClosed' | 'send' | 'close'>

export interface StreamCredentialsDeps {
  clock: Clock
  logger: Logger
  /** Which of these credentials still hold, read from the database (accounts' liveCredentials). */
  check: (ids: { sessions: string[]; tokens: string[] }) => Promise<LiveCredentials>
  recheckMs?: number
}

interface Entry<S> {
  streams: Set<S>
  /** Clock time of the next database check; a new entry is checked at the next sweep. */
  checkAt: number
  /** Sessions: the expiry last read (null before the first check). Tokens do not expire. */
  expiresAt: number | null
}

type Ending = 'revoked' | 'expired'

const endings: Record<Ending, { code: CloseCode; sse: PreparedControl }> = {
  revoked: {
    code: closeCodes.credentialsRevoked,
    sse: new PreparedControl(
      errorFrame(
        'unauthenticated',
        'The session or API token this stream was opened with was ended (logout or token revoked).',
      ),
    ),
  },
  expired: {
    code: closeCodes.sessionExpired,
    sse: new PreparedControl(
      errorFrame('unauthenticated', 'The session this stream was opened with expired.'),
    ),
  },
}

/**
 * The credential → streams index of one node: a stream opened with a session or an API token ends
 * when that credential does (docs/protocol.md "When the credential ends"). Anonymous streams are
 * not tracked. Three ways in:
 *
 * - `revoked`: a logout or token revocation made on this node or heard on the bus closes, at once,
 *   every stream of that credential (WebSocket: 4401 "credentials revoked"; SSE: a `stream-error`
 *   event, then the response ends).
 * - `recheck` (once per heartbeat interval): credentials whose check is due are read in one batch.
 *   A session is due at its expiry (a stream does not extend its session: like the cookie, it ends
 *   after BACKLOT_SESSION_TTL_DAYS without any request) and every CREDENTIAL_RECHECK_MS; a token every
 *   CREDENTIAL_RECHECK_MS. A new credential is due at once, which also catches a revocation that
 *   landed between the request's authentication and the stream's registration.
 * - `add` / `remove` as streams open and stop.
 */
export class StreamCredentials<S extends CredentialStream = Connection> {
  readonly #sessions = new Map<string, Entry<S>>()
  readonly #tokens = new Map<string, Entry<S>>()
  readonly #byStream = new Map<S, { map: Map<string, Entry<S>>; id: string }>()
  readonly #recheckMs: number
  #checking: Promise<void> | undefined

  constructor(private readonly deps: StreamCredentialsDeps) {
    this.#recheckMs = deps.recheckMs ?? CREDENTIAL_RECHECK_MS
  }

  /** Credentials with at least one open stream on this node. */
  get size(): number {
    return this.#sessions.size + this.#tokens.size
  }

  add(stream: S, credential: StreamCredential | null): void {
    if (credential === null || stream.isClosed) return
    const [map, id] =
      'session' in credential ? [this.#sessions, credential.session] : [this.#tokens, credential.token]
    let entry = map.get(id)
    if (!entry) {
      entry = { streams: new Set(), checkAt: this.deps.clock.now(), expiresAt: null }
      map.set(id, entry)
    }
    entry.streams.add(stream)
    this.#byStream.set(stream, { map, id })
  }

  /** The stream stopped streaming (closed for any reason): forget it. */
  remove(stream: S): void {
    const where = this.#byStream.get(stream)
    if (!where) return
    this.#byStream.delete(stream)
    const entry = where.map.get(where.id)
    entry?.streams.delete(stream)
    if (entry?.streams.size === 0) where.map.delete(where.id)
  }

  /**
   * A revocation on this node or from the bus: closes that credential's streams. An `account`
   * revocation refreshes cached account rows (a profile change) and ends no credential, so it
   * closes nothing (src/accounts/auth-cache.ts `Revocation`). Returns how many streams it closed.
   */
  revoked(what: Revocation): number {
    if ('session' in what) return this.#end(this.#sessions, what.session, 'revoked')
    if ('token' in what) return this.#end(this.#tokens, what.token, 'revoked')
    return 0
  }

  /**
   * Reads the due credentials in one batch and ends those that no longer hold. One check at a time:
   * a call while one runs gets that one. Never rejects.
   */
  recheck(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined
    })
    return this.#checking
  }

  async #check(): Promise<void> {
    const now = this.deps.clock.now()
    const due = (map: Map<string, Entry<S>>) =>
      [...map].filter(([, entry]) => entry.checkAt <= now).map(([id]) => id)
    const sessions = due(this.#sessions)
    const tokens = due(this.#tokens)
    if (sessions.length === 0 && tokens.length === 0) return
    let live: LiveCredentials
    try {
      live = await this.deps.check({ sessions, tokens })
    } catch (error) {
      // Keep the streams: a database hiccup is no reason to cut every logged-in fan. Next sweep retries.
      this.deps.logger.warn({ err: error }, 'stream credential check failed')
      return
    }
    const at = this.deps.clock.now()
    for (const id of sessions) {
      const entry = this.#sessions.get(id)
      if (!entry) continue
      const expiresAt = live.sessions.get(id)
      if (expiresAt === undefined) {
        // Gone: logged out (a bus message this node missed), or expired and already deleted.
        const wasExpired = entry.expiresAt !== null && entry.expiresAt <= at
        this.#end(this.#sessions, id, wasExpired ? 'expired' : 'revoked')
      } else if (expiresAt <= at) {
        this.#end(this.#sessions, id, 'expired')
      } else {
        // Requests (on any node) slide the expiry forward; the stream itself never does.
        entry.expiresAt = expiresAt
        entry.checkAt = Math.min(expiresAt, at + this.#recheckMs)
      }
    }
    for (const id of tokens) {
      const entry = this.#tokens.get(id)
      if (!entry) continue
      if (live.tokens.has(id)) entry.checkAt = at + this.#recheckMs
      else this.#end(this.#tokens, id, 'revoked')
    }
  }

  clear(): void {
    this.#sessions.clear()
    this.#tokens.clear()
    this.#byStream.clear()
  }

  #end(map: Map<string, Entry<S>>, id: string, ending: Ending): number {
    const entry = map.get(id)
    if (!entry) return 0
    map.delete(id)
    const { code, sse } = endings[ending]
    let closed = 0
    for (const stream of entry.streams) {
      this.#byStream.delete(stream)
      if (stream.isClosed) continue
      // SSE has no close code: the reason goes first as a `stream-error` event, then the response ends.
      if (stream.transport === 'sse') stream.send(sse)
      stream.close(code)
      closed++
    }
    if (closed > 0) this.deps.logger.info({ streams: closed, ending }, 'streams ended with their credential')
    return closed
  }
}
