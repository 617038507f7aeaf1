import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisUploadLocker } from '../../src/kv/redis-upload-locker.js'
import { testDatabases } from '../_util/db.js'
import { deleteRedisKeys, redisAdmin, redisTestUrl, testRedisPrefix } from '../_util/redis.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { settledOffset, tusClient } from '../_util/tus.js'
import { type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

/**
 * Issue 20 part 1: with BACKLOT_REDIS_URL the server's tus requests take their lock in Redis, so
 * other nodes see it. Needs Redis (BACKLOT_TEST_REDIS_URL, default 127.0.0.1:6379). The locker's
 * own behaviour across two nodes is in src/kv/redis-upload-locker.test.ts.
 */
describe.each(testDatabases)('resumable uploads locked in Redis (%s) [redis]', (kind) => {
  const prefix = testRedisPrefix('tus-lock')
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { ...pressServerEnv, BACKLOT_REDIS_URL: redisTestUrl, BACKLOT_REDIS_PREFIX: prefix },
    })
    w = await seedPressWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
    const admin = await redisAdmin()
    await deleteRedisKeys(admin, prefix)
    admin.disconnect()
  })

  it('holds the upload lock in Redis while a PATCH runs, and frees it when the request ends', async () => {
    expect(server.ctx.uploadLocker).toBeInstanceOf(RedisUploadLocker)
    const creator = tusClient(server.url, w.accounts.creator.token)
    const length = 4096
    const created = await creator.create('the-show', length, { alt: 'Voice note' })
    expect(created.status, created.body).toBe(201)
    const location = created.headers.location!
    const admin = await redisAdmin()
    const lockKeys = async () =>
      (await admin.keys(`${prefix}upload-lock:*`)).filter((k) => !k.endsWith(':release'))
    try {
      const req = http.request(`${server.url}${location}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${w.accounts.creator.token}`,
          'tus-resumable': '1.0.0',
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
          'content-length': String(length),
        },
      })
      req.on('error', () => undefined)
      await new Promise<void>((r) => req.write(Buffer.alloc(1024, 7), () => r()))
      await expect.poll(lockKeys).toHaveLength(1)
      req.destroy()
      await expect.poll(lockKeys).toHaveLength(0)
      expect(await settledOffset(() => creator.head(location))).toBe(1024)
    } finally {
      admin.disconnect()
    }
  })
})
