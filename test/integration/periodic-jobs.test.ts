import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { captureLog, type LogLine } from '../_util/log-capture.js'
import { waitUntil } from '../_util/node-process.js'
import { deleteRedisKeys, redisAdmin, redisTestUrl, testRedisPrefix } from '../_util/redis.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { PASSWORD, sessionCookie } from './accounts-helpers.js'

/**
 * Issue "One direction of dependencies", item 6: periodic work (media sweep, push pruning, session
 * expiry) runs as repeated jobs on the Queue — once per interval for the whole cluster, not on
 * every node — and expired sessions are deleted, not only refused.
 */
const SESSION_EXPIRY_MS = 200

/** Logs in a new account over the API; its session id is the hash of the cookie (stored hashed). */
async function loginAs(server: TestServer, handle: string) {
  await server.ctx.accounts.createAccount({ handle, displayName: handle, password: PASSWORD })
  const res = await client(server.url).post('/api/v1/sessions', { handle, password: PASSWORD })
  expect(res.status).toBe(200)
  const cookie = sessionCookie(res)
  const row = await server.ctx.db
    .selectFrom('session')
    .innerJoin('account', 'account.id', 'session.account_id')
    .select('session.id')
    .where('account.handle', '=', handle)
    .executeTakeFirstOrThrow()
  return { cookie, sessionId: row.id }
}

async function sessionExists(server: TestServer, sessionId: string): Promise<boolean> {
  return (
    (await server.ctx.db
      .selectFrom('session')
      .select('id')
      .where('id', '=', sessionId)
      .executeTakeFirst()) !== undefined
  )
}

describe.each(testDatabases)('session expiry as a periodic job on %s', (kind) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer(kind, {
      overrides: { periodicIntervals: { 'session-expiry': SESSION_EXPIRY_MS } },
    })
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('deletes the sessions past their expiry of accounts that never come back, and keeps live ones', async () => {
    const gone = await loginAs(server, 'left_long_ago')
    const live = await loginAs(server, 'still_here')
    // Thirty days without use, as far as the database knows.
    await server.ctx.db
      .updateTable('session')
      .set({ expires_at: server.ctx.clock.now() - 1 })
      .where('id', '=', gone.sessionId)
      .execute()
    await waitUntil(
      async () => !(await sessionExists(server, gone.sessionId)),
      'the expired session deleted',
      10_000,
    )
    expect(await sessionExists(server, gone.sessionId)).toBe(false)
    expect(await sessionExists(server, live.sessionId)).toBe(true)
    expect((await client(server.url, { cookie: live.cookie }).get('/api/v1/me')).status).toBe(200)
    expect((await client(server.url, { cookie: gone.cookie }).get('/api/v1/me')).status).toBe(401)
  })
})

describe.each(testDatabases)('periodic jobs across two nodes sharing Redis on %s [redis]', (kind) => {
  let database: TestDatabase
  let admin: Redis
  let a: TestServer
  let b: TestServer
  const logs = [captureLog('debug'), captureLog('debug')]
  const prefix = testRedisPrefix('periodic')

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    admin = await redisAdmin()
    const env = { BACKLOT_REDIS_URL: redisTestUrl, BACKLOT_REDIS_PREFIX: prefix }
    const overrides = { periodicIntervals: { 'session-expiry': SESSION_EXPIRY_MS } }
    a = await startTestServer(kind, { database, env, overrides: { ...overrides, logger: logs[0]!.logger } })
    b = await startTestServer(kind, { database, env, overrides: { ...overrides, logger: logs[1]!.logger } })
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
    await database?.drop()
    await deleteRedisKeys(admin, prefix)
    admin?.disconnect()
  })

  /** The runs of `job` on both nodes, as their `periodic job ran` log lines. */
  const runsOf = (job: string): Array<LogLine & { node: number }> =>
    logs.flatMap((log, node) =>
      log
        .lines()
        .filter((l) => l.msg === 'periodic job ran' && l.job === job)
        .map((l) => ({ ...l, node })),
    )

  it('runs each interval of a job once in the cluster, not once per node', async () => {
    await waitUntil(() => runsOf('session-expiry').length >= 8, 'eight runs of session-expiry', 20_000)
    const dueTimes = runsOf('session-expiry').map((r) => r.dueAt as number)
    expect(new Set(dueTimes).size).toBe(dueTimes.length)
    const sorted = [...dueTimes].sort((x, y) => x - y)
    for (let i = 1; i < sorted.length; i++) {
      expect((sorted[i]! - sorted[i - 1]!) % SESSION_EXPIRY_MS, `${sorted[i - 1]} → ${sorted[i]}`).toBe(0)
    }
    // The hourly and quarter-hourly jobs: one run when the first node started; the second joined.
    expect(runsOf('media-sweep')).toHaveLength(1)
    expect(runsOf('push-prune')).toHaveLength(1)
  })

  it('deletes an expired session on whichever node runs the interval', async () => {
    const gone = await loginAs(b, 'gone_from_b')
    await a.ctx.db
      .updateTable('session')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', gone.sessionId)
      .execute()
    await waitUntil(
      async () => !(await sessionExists(a, gone.sessionId)),
      'the expired session deleted',
      10_000,
    )
    expect(await sessionExists(a, gone.sessionId)).toBe(false)
  })
})
