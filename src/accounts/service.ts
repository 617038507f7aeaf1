import type { Bus } from '../bus/bus.js'
import type { Config } from '../config/config.js'
import { type Db, type DbOrTx, isUniqueViolation } from '../db/database.js'
import type { AccountRow, TokenScope } from '../db/schema.js'
import { fail } from '../errors.js'
import type { Language } from '../i18n/index.js'
import type { RateLimiter } from '../kv/rate-limiter.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import { hashSecret, newId } from '../util/ids.js'
import { suspendAccount, unsuspendAccount } from './admin.js'
import { clearDeletion, listAccountsForOperator, type OperatorAccountRow } from './admin-store.js'
import type { CachedSession, CachedToken } from './auth-cache.js'
import { createAuthenticator, type LiveCredentials, type RevocationListener } from './authenticate.js'
import { checkPasswordNotCommon } from './common-passwords.js'
import type { LoginClient } from './devices.js'
import { createLoginLimiter } from './login-limit.js'
import { createPasswordHasher } from './passwords.js'
import { expireSessions, type NewSession, openSession } from './sessions.js'
import type { SessionListRow } from './store.js'
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

export interface ProfileChanges {
  displayName?: string
  language?: Language | null
}

export interface LoginInput {
  handle: string
  password: string
  /** Client address, for the per-address attempt limit (and the session's network). */
  address: string
  /** For the session's device label. */
  userAgent?: string | undefined
}

export interface PasswordChange {
  currentPassword: string
  newPassword: string
  /** The session making the change, which stays; null (an API token) ends every session. */
  keepSession: string | null
  /** Client address, for the attempt limit on wrong current passwords. */
  address: string
}

export interface LoginResult {
  account: AccountRow
  session: NewSession
  /** The account had a deletion pending, which this login cancelled (issue 17 point 3). */
  deletionCancelled: boolean
}

/** What a credential may hand on: a session holds every scope, a token only its own. */
export type HeldScopes = ReadonlySet<TokenScope> | 'all'

export interface CreateTokenInput {
  name: string
  scopes: TokenScope[]
}

/**
 * Accounts, sessions and API tokens. Handles are stored lower-case and unique regardless of case;
 * passwords are hashed (argon2id) before any transaction opens; every write that ends a credential
 * or changes its account revokes it after commit (authenticate.ts), here and on the other nodes.
 */
export interface AccountService {
  /** Creates an account (also `backlot user create`): `validation` or `handle-taken`, writing nothing. */
  createAccount(input: CreateAccountInput): Promise<AccountRow>
  /** The account, or `account-not-found`. */
  /** The account with that handle (case-insensitive, an @ allowed), or undefined. */
  findByHandle(handle: string): Promise<AccountRow | undefined>
  getAccount(accountId: string): Promise<AccountRow>
  /** The session of a cookie value, or null (unknown, expired or logged out). Cached: authenticate.ts. */
  authenticateSession(cookie: string): Promise<CachedSession | null>
  /** The live API token of a presented secret, or null (unknown or revoked). Cached likewise. */
  authenticateToken(secret: string): Promise<CachedToken | null>
  /** Listens for revocations made on other nodes. */
  start(): Promise<void>
  /** Stops listening. */
  close(): Promise<void>
  /** Every logout and token revocation on this node or heard from the others (live streams end). */
  onRevoked(listener: RevocationListener): () => void
  /** Which sessions and tokens still hold, read in bulk (live streams re-check theirs). */
  liveCredentials(ids: { sessions: string[]; tokens: string[] }): Promise<LiveCredentials>
  /** Deletes every expired session (sessions.ts); periodic. Returns how many. */
  expireSessions(): Promise<number>
  /**
   * Sign-up (`registration-closed` unless BACKLOT_REGISTRATION=open): the account and its first session, in
   * one transaction.
   */
  register(
    input: Omit<CreateAccountInput, 'isAdmin'>,
    client?: LoginClient,
  ): Promise<{ account: AccountRow; session: NewSession }>
  /**
   * Opens a session: `login-throttled` over the attempt limits, else `invalid-credentials` alike
   * for an unknown handle and a wrong password.
   */
  login(input: LoginInput): Promise<LoginResult>
  /** Ends a session; its cookie stops working at once, on every node. Idempotent. */
  logout(sessionId: string): Promise<void>
  /** The account's sessions that have not expired, most recently used first. */
  listSessions(accountId: string): Promise<SessionListRow[]>
  /**
   * Ends the account's sessions named by public id (`session-not-found` when one is not the
   * account's), or all but one; their cookies and live streams stop at once on every node.
   */
  endSessions(accountId: string, which: { publicId: string } | { allBut: string | null }): Promise<number>
  /**
   * Changes the password after checking the current one (`invalid-credentials`, counted like a
   * failed login) and the new one's rules; ends every other session. API tokens stay.
   */
  changePassword(accountId: string, change: PasswordChange): Promise<void>
  /**
   * Changes the profile fields given (`validation` for a bad name); absent fields stay as they are.
   * `language` null means "follow the browser".
   */
  updateProfile(accountId: string, input: ProfileChanges): Promise<AccountRow>
  /**
   * Mints an API token with no scope `held` lacks (`insufficient-scope`); the clear token is
   * returned once, only its hash stored.
   */
  createToken(
    accountId: string,
    held: HeldScopes,
    input: CreateTokenInput,
  ): Promise<{ row: store.ApiTokenRow; token: string }>
  /** The account's live (not revoked) tokens, newest first. */
  listTokens(accountId: string): Promise<store.ApiTokenRow[]>
  /**
   * Revokes one of the account's tokens: `token-not-found` for another's, an unknown or a revoked
   * one; `insufficient-scope` for one holding more than `held`.
   */
  revokeToken(accountId: string, held: HeldScopes, tokenId: string): Promise<void>
  /**
   * Checks the account's password (`invalid-credentials`, counted like a failed login, under the
   * same attempt limit): what a grave step such as deleting the account asks for again.
   */
  verifyPassword(accountId: string, password: string, address: string): Promise<void>
  /**
   * Suspends the account (operator): it cannot log in or use its API tokens; its sessions are
   * deleted and its live streams end at once on every node (within the auth cache's 5 s for a
   * process without the bus). Its tokens are kept: `unsuspend` restores them. Idempotent.
   */
  suspend(accountId: string, reason: string | null): Promise<void>
  /** Lifts a suspension; the person logs in again. Idempotent. */
  unsuspend(accountId: string): Promise<void>
  /** Every account not erased, by handle, with its last use and state (`backlot user list`). */
  listForOperator(): Promise<OperatorAccountRow[]>
  /**
   * Another area deleted these sessions and tokens of the account in a committed transaction (the
   * erasure, src/erasure): drops them from every node's auth cache and ends their live streams.
   */
  credentialsEnded(ended: { accountId: string; sessions: string[]; tokens: string[] }): Promise<void>
}

export function createAccountService(deps: AccountServiceDeps): AccountService {
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
      language: null,
      suspended_at: null,
      suspension_reason: null,
      deletion_requested_at: null,
      deletion_due_at: null,
      erased_at: null,
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
    findByHandle: (handle: string) => store.findAccountByHandle(db, handle.replace(/^@/, '').toLowerCase()),

    authenticateSession: auth.session,
    authenticateToken: auth.token,
    start: auth.start,
    close: auth.close,
    onRevoked: auth.onRevoked,
    liveCredentials: auth.liveCredentials,

    async expireSessions(): Promise<number> {
      const deleted = await expireSessions(db, clock.now())
      if (deleted > 0) deps.logger?.info({ sessions: deleted }, 'accounts: deleted expired sessions')
      return deleted
    },

    async register(
      input: Omit<CreateAccountInput, 'isAdmin'>,
      client: LoginClient = {},
    ): Promise<{ account: AccountRow; session: NewSession }> {
      if (config.registration !== 'open') {
        fail('registration-closed', 'This server does not accept new accounts; ask its operator for one.')
      }
      const account = await newAccountRow({ ...input, isAdmin: false })
      // Account and first session together: a failure leaves neither behind.
      return db.transaction().execute(async (tx) => {
        await insertNewAccount(tx, account)
        const session = await openSession(tx, account.id, clock.now(), config.sessionTtlMs, client)
        return { account, session }
      })
    },

    // Over the attempt limit (per handle or per address) the password is not even looked at. An
    // unknown handle costs the same argon2 work as a wrong password.
    async login(input: LoginInput): Promise<LoginResult> {
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
      // Only after the password: a suspension is nobody else's business.
      if (account.suspended_at !== null)
        fail('account-suspended', 'This account is suspended by the operator.')
      const session = await openSession(db, account.id, clock.now(), config.sessionTtlMs, input)
      // Logging in is how a person changes their mind about deleting the account.
      const deletionCancelled = await clearDeletion(db, account.id)
      if (deletionCancelled) {
        deps.logger?.info({ accountId: account.id }, 'accounts: login cancelled a pending deletion')
        return {
          account: { ...account, deletion_due_at: null, deletion_requested_at: null },
          session,
          deletionCancelled,
        }
      }
      return { account, session, deletionCancelled }
    },

    async logout(sessionId: string): Promise<void> {
      await store.deleteSession(db, sessionId)
      await auth.revoke({ session: sessionId })
    },

    async listSessions(accountId: string): Promise<SessionListRow[]> {
      return store.listSessions(db, accountId, clock.now())
    },

    async endSessions(accountId, which): Promise<number> {
      const ended = await store.deleteSessions(
        db,
        accountId,
        'publicId' in which ? { publicIds: [which.publicId] } : which,
      )
      if ('publicId' in which && ended.length === 0)
        fail('session-not-found', `You have no session "${which.publicId}".`)
      for (const session of ended) await auth.revoke({ session })
      return ended.length
    },

    async changePassword(accountId: string, change: PasswordChange): Promise<void> {
      const account = await getAccount(accountId)
      await loginLimit.check(account.handle, change.address)
      const check = await passwords.verify(account.password_hash, change.currentPassword)
      if (!check.isValid) {
        await loginLimit.recordFailure(account.handle, change.address)
        fail('invalid-credentials', 'The current password is wrong.', {
          errors: [{ field: '/currentPassword', message: 'is wrong' }],
        })
      }
      checkPassword(change.newPassword)
      await checkPasswordNotCommon(change.newPassword)
      const hash = await passwords.hash(change.newPassword)
      const ended = await db.transaction().execute(async (tx) => {
        await store.updatePasswordHash(tx, accountId, hash)
        return store.deleteSessions(tx, accountId, { allBut: change.keepSession })
      })
      for (const session of ended) await auth.revoke({ session })
    },

    async updateProfile(accountId: string, input: ProfileChanges): Promise<AccountRow> {
      const changes = {
        ...(input.displayName !== undefined && { display_name: checkDisplayName(input.displayName) }),
        ...(input.language !== undefined && { language: input.language }),
      }
      if (Object.keys(changes).length > 0) {
        await store.updateProfile(db, accountId, changes)
        // Cached credentials carry the account row: the next request reads the new one.
        await auth.revoke({ account: accountId })
      }
      return getAccount(accountId)
    },

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

    async listTokens(accountId: string): Promise<store.ApiTokenRow[]> {
      return store.listLiveTokens(db, accountId)
    },

    // A token can revoke itself, or a token with no more scopes than it holds.
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

    async verifyPassword(accountId: string, password: string, address: string): Promise<void> {
      const account = await getAccount(accountId)
      await loginLimit.check(account.handle, address)
      if (!(await passwords.verify(account.password_hash, password)).isValid) {
        await loginLimit.recordFailure(account.handle, address)
        fail('invalid-credentials', 'The password is wrong.', {
          errors: [{ field: '/password', message: 'is wrong' }],
        })
      }
    },

    suspend: (accountId, reason) => suspendAccount({ db, clock, auth }, accountId, reason),
    unsuspend: (accountId) => unsuspendAccount({ db, auth }, accountId),
    listForOperator: () => listAccountsForOperator(db),

    async credentialsEnded({ accountId, sessions, tokens }): Promise<void> {
      for (const session of sessions) await auth.revoke({ session })
      for (const token of tokens) await auth.revoke({ token })
      await auth.revoke({ account: accountId })
    },
  }
}
