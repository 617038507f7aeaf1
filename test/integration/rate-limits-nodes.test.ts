import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { deleteRedisKeys, redisAdmin, redisTestUrl, testRedisPrefix } from '../_util/redis.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { clientAt, expectRateLimited, register } from './rate-limits.fixture.js'

/** Issue 14, item 5: a limit holds across the nodes of a cluster (counters in the shared Redis). */
describe.each(testDatabases)('rate limits across two nodes sharing Redis on %s [redis]', (kind) => {
  let database: TestDatabase
  let admin: Redis
  let a: TestServer
  let b: TestServer
  const prefix = testRedisPrefix('rate-limits')

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    admin = await redisAdmin()
    const env = {
      BACKLOT_REDIS_URL: redisTestUrl,
      BACKLOT_REDIS_PREFIX: prefix,
      BACKLOT_RATE_LIMIT_EXEMPT: '',
      BACKLOT_TRUST_PROXY: 'true',
      BACKLOT_RATE_LIMIT_REGISTRATION: '3/1h',
    }
    a = await startTestServer(kind, { database, env })
    b = await startTestServer(kind, { database, env })
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
    await database?.drop()
    await deleteRedisKeys(admin, prefix)
    admin?.disconnect()
  })

  it('refuses on both nodes once one address has registered its limit across them', async () => {
    const onA = clientAt(a, '203.0.113.90')
    const onB = clientAt(b, '203.0.113.90')
    expect((await register(onA, 'node1')).status).toBe(201)
    expect((await register(onB, 'node2')).status).toBe(201)
    expect((await register(onA, 'node3')).status).toBe(201)
    expectRateLimited(
      await register(onB, 'node4'),
      /^Too many registrations from this address: at most 3 per hour\./,
    )
    expectRateLimited(await register(onA, 'node5'), /from this address/)
    expect((await register(clientAt(b, '203.0.113.91'), 'node6')).status).toBe(201)
  })
})
