import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { cookieAttributes, countRows, PASSWORD, sessionCookie, sessionSetCookie } from './accounts-helpers.js'

const MAX_ATTEMPTS = 3
const WINDOW_SECONDS = 600
const MINUTE = 60_000

/**
 * Behaviour that depends on time, limits or deployment settings: a server with a clock the tests
 * move, a small login limit, client addresses taken from X-Forwarded-For, an https BACKLOT_PUBLIC_URL and
 * closed registration.
 */
describe.each(testDatabases)('account limits and expiry on %s', (kind) => {
  let server: TestServer
  let t = Date.UTC(2030, 0, 1)
  const clock = { now: () => t }

  const loginFrom = (address: string, handle: string, password = PASSWORD) =>
    client(server.url, { headers: { 'x-forwarded-for': address } }).post('/api/v1/sessions', {
      handle,
      password,
    })
  const createAccount = (handle: string) =>
    server.ctx.accounts.createAccount({ handle, displayName: handle, password: PASSWORD })

  beforeAll(async () => {
    server = await startTestServer(kind, {
      overrides: { clock },
      env: {
        BACKLOT_LOGIN_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        BACKLOT_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
        BACKLOT_TRUST_PROXY: 'true',
        BACKLOT_PUBLIC_URL: 'https://backlot.example',
        BACKLOT_REGISTRATION: 'closed',
      },
    })
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('refuses registration when it is closed, and writes nothing', async () => {
    const before = await countRows(server, 'account')
    const res = await client(server.url).post('/api/v1/accounts', {
      handle: 'walk_in',
      displayName: 'W',
      password: PASSWORD,
    })
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('registration-closed')
    expect(sessionSetCookie(res)).toBeUndefined()
    expect(await countRows(server, 'account')).toBe(before)
  })

  it('marks the cookie Secure when BACKLOT_PUBLIC_URL is https', async () => {
    await createAccount('secure_fan')
    const res = await loginFrom('10.0.0.1', 'secure_fan')
    expect(res.status).toBe(200)
    expect(cookieAttributes(sessionSetCookie(res)!).has('secure')).toBe(true)
  })

  it('expires a session left unused for the TTL, while use keeps it alive', async () => {
    await createAccount('sleeper')
    const ttl = server.ctx.config.sessionTtlMs
    const cookie = sessionCookie(await loginFrom('10.0.0.2', 'sleeper'))
    const me = () => client(server.url, { cookie }).get('/api/v1/me')

    t += ttl - MINUTE
    expect((await me()).status).toBe(200) // used before expiry: the expiry slides forward
    t += ttl - MINUTE
    expect((await me()).status).toBe(200)
    t += ttl + 1
    const expired = await me()
    expect(expired.status).toBe(401)
    expect(expired.body.code).toBe('unauthenticated')
    const sessions = await server.ctx.db
      .selectFrom('session')
      .innerJoin('account', 'account.id', 'session.account_id')
      .where('account.handle', '=', 'sleeper')
      .select('session.id')
      .execute()
    expect(sessions).toEqual([])
  })

  it('throttles logins to one account after repeated failures, even with the right password', async () => {
    await createAccount('target')
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect((await loginFrom('10.0.1.1', 'target', 'wrong password')).status).toBe(401)
    }
    for (const address of ['10.0.1.1', '10.0.1.2']) {
      const res = await loginFrom(address, 'TARGET')
      expect(res.status).toBe(429)
      expect(res.body.code).toBe('login-throttled')
      expect(res.body.retryAfterSeconds).toBe(WINDOW_SECONDS)
      expect(res.headers.get('retry-after')).toBe(String(WINDOW_SECONDS))
      expect(sessionSetCookie(res)).toBeUndefined()
    }
    await createAccount('bystander')
    expect((await loginFrom('10.0.1.1', 'bystander')).status).toBe(200)
    t += WINDOW_SECONDS * 1000
    expect((await loginFrom('10.0.1.1', 'target')).status).toBe(200)
  })

  it('counts unknown handles like wrong passwords', async () => {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect((await loginFrom('10.0.2.1', 'ghost_account')).body.code).toBe('invalid-credentials')
    }
    expect((await loginFrom('10.0.2.1', 'ghost_account')).body.code).toBe('login-throttled')
  })

  it('forgets earlier failures after a successful login', async () => {
    await createAccount('forgetful')
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < MAX_ATTEMPTS - 1; i++) await loginFrom('10.0.3.1', 'forgetful', 'typo typo typo')
      expect((await loginFrom('10.0.3.1', 'forgetful')).status).toBe(200)
    }
  })

  it('throttles one client address at ten times the account limit', async () => {
    await createAccount('office_user')
    const addressLimit = MAX_ATTEMPTS * 10
    for (let i = 0; i < addressLimit; i++) {
      // Spread over many handles, so no single account reaches its own limit.
      const res = await loginFrom('10.0.4.1', `guess_${Math.floor(i / (MAX_ATTEMPTS - 1))}`, 'wrong password')
      expect(res.status).toBe(401)
    }
    const blocked = await loginFrom('10.0.4.1', 'office_user')
    expect(blocked.status).toBe(429)
    expect(blocked.body.code).toBe('login-throttled')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await loginFrom('10.0.4.2', 'office_user')).status).toBe(200)
  })

  it('records when a token was last used, at most once a minute', async () => {
    await createAccount('cron_job')
    const session = client(server.url, { cookie: sessionCookie(await loginFrom('10.0.5.1', 'cron_job')) })
    const created = await session.post('/api/v1/tokens', { name: 'cron', scopes: ['read'] })
    const useToken = () => client(server.url, { token: created.body.token }).get('/api/v1/me')
    const lastUsed = async () => (await session.get('/api/v1/tokens')).body.tokens[0].lastUsedAt
    const first = t
    await useToken()
    expect(await lastUsed()).toBe(new Date(first).toISOString())
    t += MINUTE / 2
    await useToken()
    expect(await lastUsed()).toBe(new Date(first).toISOString())
    t += MINUTE
    await useToken()
    expect(await lastUsed()).toBe(new Date(t).toISOString())
  })
})
