import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { seedAccount } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'
import {
  clientAt,
  countRows,
  expectRateLimited,
  PASSWORD,
  register,
  startLimitedServer,
} from './rate-limits.fixture.js'

/** Issue 14, item 5: registration, login and account changes, per address and per account. */
describe.each(testDatabases)('rate limits on accounts (%s)', (kind) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startLimitedServer(kind, {
      BACKLOT_RATE_LIMIT_REGISTRATION: '3/1h',
      BACKLOT_RATE_LIMIT_LOGIN: '2/10m',
      BACKLOT_RATE_LIMIT_ACCOUNT: '2/1h',
      BACKLOT_RATE_LIMIT_ADDRESS_FACTOR: '2',
    })
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('stops registration from one address at the limit with 429, Retry-After and the problem; another address still registers', async () => {
    const bot = clientAt(server, '203.0.113.7')
    for (const handle of ['bot1', 'bot2', 'bot3']) expect((await register(bot, handle)).status).toBe(201)
    const before = await countRows(server, 'account')

    const refused = await register(bot, 'bot4')
    const problem = expectRateLimited(
      refused,
      /^Too many registrations from this address: at most 3 per hour\./,
    )
    expect(problem).toMatchObject({ bucket: 'registration', per: 'address', limit: 3, windowSeconds: 3600 })
    expect(problem.retryAfterSeconds).toBeLessThanOrEqual(3600)
    expect(refused.headers.get('set-cookie')).toBeNull()
    expect(await countRows(server, 'account')).toBe(before)

    expect((await register(clientAt(server, '198.51.100.9'), 'neighbour')).status).toBe(201)
  })

  it('counts IPv6 clients by their /64', async () => {
    const host = (suffix: string) => clientAt(server, `2001:db8:1:2:${suffix}`)
    expect((await register(host('0:0:0:1'), 'six1')).status).toBe(201)
    expect((await register(host('0:0:0:2'), 'six2')).status).toBe(201)
    expect((await register(host('aaaa:bbbb:cccc:dddd'), 'six3')).status).toBe(201)
    expectRateLimited(await register(host('ffff:0:0:9'), 'six4'), /from this address/)
    expect((await register(clientAt(server, '2001:db8:1:3::1'), 'six5')).status).toBe(201)
  })

  it('limits logins per address, right password or not', async () => {
    const office = clientAt(server, '192.0.2.50')
    await seedLogin(server, 'manager')
    const login = () => office.post('/api/v1/sessions', { handle: 'manager', password: PASSWORD })
    expect((await login()).status).toBe(200)
    expect((await login()).status).toBe(200)
    expectRateLimited(await login(), /^Too many logins from this address: at most 2 per 10 minutes\./)
    const elsewhere = clientAt(server, '192.0.2.51')
    expect((await elsewhere.post('/api/v1/sessions', { handle: 'manager', password: PASSWORD })).status).toBe(
      200,
    )
  })

  it('limits account changes per account, and the factor times that per address', async () => {
    const first = await seedAccount(server.ctx, 'tokenmaker')
    const second = await seedAccount(server.ctx, 'flatmate')
    const newToken = (address: string, token: string) =>
      clientAt(server, address, token).post('/api/v1/tokens', { name: 'cli', scopes: ['read'] })
    const made = await newToken('192.0.2.60', first.token)
    expect(made.status).toBe(201)
    expect((await newToken('192.0.2.60', first.token)).status).toBe(201)
    const tokens = await countRows(server, 'api_token')
    const perAccount = await newToken('192.0.2.60', first.token)
    expect(expectRateLimited(perAccount, /^Too many account changes: at most 2 per hour\./).per).toBe(
      'account',
    )

    // The address has used 3 of its 2 × 2: the flatmate gets one more, then the address is full.
    expect((await newToken('192.0.2.60', second.token)).status).toBe(201)
    const perAddress = await newToken('192.0.2.60', second.token)
    expectRateLimited(perAddress, /^Too many account changes from this address: at most 4 per hour\./)
    expect(await countRows(server, 'api_token')).toBe(tokens + 1)
    expect((await newToken('192.0.2.61', second.token)).status).toBe(201)

    // Revoking (a leaked token, say) is its own bucket: the account's used-up limit does not stop it.
    const revoked = await clientAt(server, '192.0.2.60', first.token).delete(`/api/v1/tokens/${made.body.id}`)
    expect(revoked.status).toBe(204)
  })

  it('counts requests with bad credentials per address before authenticating them', async () => {
    const guesser = clientAt(server, '192.0.2.70', 'blt_not-a-real-token')
    const statuses = []
    for (let i = 0; i < 6; i++) statuses.push((await guesser.post('/api/v1/tokens', { name: 'x' })).status)
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429])
  })
})

/** An account with a password (seedAccount's have none). */
async function seedLogin(server: TestServer, handle: string) {
  const res = await register(clientAt(server, '192.0.2.250'), handle)
  expect(res.status).toBe(201)
}
