import { expect } from 'vitest'
import type { Database } from '../../src/db/schema.js'
import { type ApiResponse, type Client, client } from '../_util/client.js'
import type { DbKind } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * Issue 14, item 5: servers whose rate limits apply to the test's requests. Loopback is not
 * exempt here (it is in other tests), and BACKLOT_TRUST_PROXY lets each request claim its client address
 * with X-Forwarded-For, so one test can be many addresses.
 */
export function startLimitedServer(kind: DbKind, env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer(kind, {
    env: { BACKLOT_RATE_LIMIT_EXEMPT: '', BACKLOT_TRUST_PROXY: 'true', ...env },
  })
}

/** A client whose requests come from `address` (and carry `token`, if given). */
export function clientAt(server: TestServer, address: string, token?: string): Client {
  return client(server.url, { token, headers: { 'x-forwarded-for': address } })
}

/**
 * The 429 answer every limit gives: the `rate-limited` problem naming the limit, and Retry-After
 * (seconds) equal to the problem's `retryAfterSeconds`. Returns the problem.
 */
export function expectRateLimited(res: ApiResponse, detail: RegExp) {
  expect(res.status).toBe(429)
  expect(res.headers.get('content-type')).toContain('application/problem+json')
  expect(res.body).toMatchObject({
    type: 'https://backlot.dev/problems#rate-limited',
    code: 'rate-limited',
    status: 429,
  })
  expect(res.body.detail).toMatch(detail)
  expect(res.body.detail).toMatch(/Try again in \d+ (s|min|h)\.$/)
  const retryAfter = Number(res.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThan(0)
  expect(retryAfter).toBe(res.body.retryAfterSeconds)
  return res.body
}

/** Rows in `table` (to prove that a refused request changed nothing). */
export async function countRows(server: TestServer, table: keyof Database) {
  const row = await server.ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export const PASSWORD = 'correct horse battery'

export function register(api: Client, handle: string) {
  return api.post('/api/v1/accounts', { handle, displayName: handle, password: PASSWORD })
}
