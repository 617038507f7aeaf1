import type { Bus } from '../bus/bus.js'
import type { Config } from '../config/config.js'
import { type Db, type DbOrTx, isUniqueViolation } from '../db/database.js'
import type { AccountRow, TokenScope } from '../db/schema.js'
import { fail } from '../errors.js'
import type { RateLimiter } from '../kv/rate-limiter.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import { hashSecret, newId } from '../util/ids.js'
import { createAuthenticator } from './authenticate.js'
import { checkPasswordNotCommon } from './common-passwords.js'
import { createLoginLimiter } from './login-limit.js'
import { createPasswordHasher } from './passwords.js'
import { expireSessions, type NewSession, openSession } from './sessions.js'
import * as store from './store.js'
import { formatScopes, missingScopes, newApiToken, parseScopes } from './tokens.js'
import { checkDisplayName, checkHandle, checkPassword } from './validation.js'

export interface AccountServiceDeps {
  db: Db
  clock: Clock
  config: Config
  rateLimiter: RateLimiter
  /** Tells the other nodes about logouts and revoked tokens (their auth caches); absent in the CLI. */
  bus?: Bus
  logger?: Logger
}

export interface CreateAccountInput {
  handle: string
  displayName: string
  password: string
  isAdmin?: boolean
  email?: string | null
}

export interface LoginInput {
  handle: string
  password: string
  /** Client address, for the per-address attempt limit. */
  address: string
}

/** What a credential may hand on: a session holds every scope, a token only its own. */
export type HeldScopes = ReadonlySet<TokenScope> | 'all'

export interface CreateTokenInput {
  name: string
  scopes: TokenScope[]
}

export function createAccountService(deps: AccountServiceDeps) {
  const { db, clock, config } = deps
  const passwords = createPasswordHasher(config.argon2Profile)
  const loginLimit = createLoginLimiter(deps.rateLimiter, config.loginLimit)
  const auth = createAuthenticator({ db, clock, sessionTtlMs: config.sessionTtlMs, bus: deps.bus })

  /** Validates and hashes before any write, so no transaction is held open during argon2. */
  async function newAccountRow(input: CreateAccountInput): Promise<AccountRow> {
    const handle = checkHandle(input.handle)
    const displayName = checkDisplayName(input.displayName)
    checkPassword(input.password)
    await checkPasswordNotCommon(input.password)
    if (await store.findAccountByHandle(db, handle)) fail('handle-taken', `@${handle} is already taken.`)
    return {
      id: newId(),
      handle,
      display_name: displayName,
      password_hash: await passwords.hash(input.password),
      email: input.email?.trim() || null,
      is_admin: input.isAdmin ? 1 : 0,
      created_at: clock.now(),
    }
  }

  async function insertNewAccount(tx: DbOrTx, row: AccountRow): Promise<void> {
    try {
      await store.insertAccount(tx, row)
    } catch (error) {
      // Two registrations racing for one handle: the unique index decides.
      if (isUniqueViolation(error)) fail('handle-taken', `@${row.handle} is already taken.`)
      throw error
    }
  }

  /**
   * Creates an account (API registration and `backlot user create`). Handles are stored lower-case
   * and unique regardless of case; throws `validation` for a bad handle, name or password and
   * `handle-taken` when the handle exists, in which case nothing is written.
   */
  async function createAccount(input: CreateAccountInput): Promise<AccountRow> {
    const row = await newAccountRow(input)
    await insertNewAccount(db, row)
    return row
  }

  async function getAccount(accountId: string): Promise<AccountRow> {
    const account = await store.findAccountById(db, accountId)
    if (!account) fail('account-not-found', 'The account no longer exists.')
    return account
  }

  return {
    createAccount,
    getAccount,

    /** The session of a cookie value, or null (unknown, expired or logged out). Cached: authenticate.ts. */
    authenticateSession: auth.session,
    /** The live API token of a presented secret, or null (unknown or revoked). Cached likewise. */
    authenticateToken: auth.token,
    /** Listens for revocations made on other nodes. */
    start: auth.start,
    close: auth.close,
    /** Every logout and token revocation on this node or heard from the others (live streams end). */
    onRevoked: auth.onRevoked,
    /** Which sessions and tokens still hold, read in bulk (live streams re-check theirs). */
    liveCredentials: auth.liveCredentials,

    /** Deletes every expired session (sessions.ts); periodic. */
    async expireSessions(): Promise<number> {
      const deleted = await expireSessions(db, clock.now())
      if (deleted > 0) deps.logger?.info({ sessions: deleted }, 'accounts: deleted expired sessions')
      return deleted
    },

    /**
     * Self-service registration, refused with `registration-closed` unless REGISTRATION=open.
     * Creates the account and its first session in one transaction (the caller is logged in).
     */
    async register(
      input: Omit<CreateAccountInput, 'isAdmin'>,
    ): Promise<{ account: AccountRow; session: NewSession }> {
      if (config.registration !== 'open') {
        fail('registration-closed', 'This server does not accept new accounts; ask its operator for one.')
      }
      const account = await newAccountRow({ ...input, isAdmin: false })
      // Account and first session together: a failure leaves neither behind.
      return db.transaction().execute(async (tx) => {
        await insertNewAccount(tx, account)
        return { account, session: await openSession(tx, account.id, clock.now(), config.sessionTtlMs) }
      })
    },

    /**
     * Checks a handle and password and opens a session. Over the attempt limit (per handle or per
     * address) it throws `login-throttled` without looking at the password. An unknown handle costs
     * the same argon2 work as a wrong password and gives the same `invalid-credentials` answer.
     */
    async login(input: LoginInput): Promise<{ account: AccountRow; session: NewSession }> {
      const handle = input.handle.toLowerCase()
      await loginLimit.check(handle, input.address)
      const account = await store.findAccountByHandle(db, handle)
      const check = await passwords.verify(account?.password_hash ?? null, input.password)
      if (!account || !check.isValid || account.password_hash === null) {
        await loginLimit.recordFailure(handle, input.address)
        fail('invalid-credentials', 'Wrong handle or password.')
      }
      await loginLimit.recordSuccess(handle)
      if (passwords.isOutdated(account.password_hash) || check.isUnnormalized) {
        // The cost profile changed, or the hash predates NFC normalisation, since this password was
        // set: upgrade while we hold it in clear.
        await store.updatePasswordHash(db, account.id, await passwords.hash(input.password))
      }
      const session = await openSession(db, account.id, clock.now(), config.sessionTtlMs)
      return { account, session }
    },

    /** Ends a session; the cookie token stops working at once. Idempotent. */
    async logout(sessionId: string): Promise<void> {
      await store.deleteSession(db, sessionId)
      await auth.revoke({ session: sessionId })
    },

    /** Changes the profile fields given; absent fields stay as they are. */
    async updateProfile(accountId: string, input: { displayName?: string }): Promise<AccountRow> {
      if (input.displayName !== undefined) {
        await store.updateDisplayName(db, accountId, checkDisplayName(input.displayName))
        // Cached credentials carry the account row: the next request reads the new one.
        await auth.revoke({ account: accountId })
      }
      return getAccount(accountId)
    },

    /**
     * Mints an API token. The clear token is returned once and only its hash is stored. A token can
     * only mint tokens with scopes it holds itself (`insufficient-scope` otherwise).
     */
    async createToken(
      accountId: string,
      held: HeldScopes,
      input: CreateTokenInput,
    ): Promise<{ row: store.ApiTokenRow; token: string }> {
      const missing = missingScopes(held, input.scopes)
      if (missing.length > 0) {
        fail('insufficient-scope', `This token cannot grant scopes it does not have: ${missing.join(', ')}.`)
      }
      const token = newApiToken()
      const row: store.ApiTokenRow = {
        id: newId(),
        account_id: accountId,
        name: input.name.trim() || 'API token',
        token_hash: hashSecret(token),
        scopes: formatScopes(input.scopes),
        created_at: clock.now(),
        last_used_at: null,
        revoked_at: null,
      }
      await store.insertToken(db, row)
      return { row, token }
    },

    /** The account's live (not revoked) tokens, newest first. */
    async listTokens(accountId: string): Promise<store.ApiTokenRow[]> {
      return store.listLiveTokens(db, accountId)
    },

    /**
     * Revokes one of the account's tokens; it is refused from then on. Another account's token, an
     * unknown id or an already revoked token are all `token-not-found`. A token can revoke itself or
     * a token with no more scopes than it holds.
     */
    async revokeToken(accountId: string, held: HeldScopes, tokenId: string): Promise<void> {
      const row = await store.findLiveToken(db, accountId, tokenId)
      if (!row) fail('token-not-found', 'You have no API token with that id.')
      const missing = missingScopes(held, parseScopes(row.scopes))
      if (missing.length > 0) {
        fail('insufficient-scope', `Revoking that token needs the scopes it has: ${missing.join(', ')}.`)
      }
      await store.revokeToken(db, row.id, clock.now())
      await auth.revoke({ token: row.id })
    },
  }
}

export type AccountService = ReturnType<typeof createAccountService>
