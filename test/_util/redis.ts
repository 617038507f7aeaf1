import { Redis } from 'ioredis'
import type { RedisSettings } from '../../src/redis/redis-connection.js'

/**
 * Tests that need Redis say so in their describe name ("[redis]") and use the server at
 * `BACKLOT_TEST_REDIS_URL` (default redis://127.0.0.1:6379, started by .ci/run). Each caller gets a
 * unique key and channel prefix, so test files running at once never see each other's data.
 */
export const redisTestUrl = process.env.BACKLOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export function testRedisPrefix(label: string): string {
  return `test:${label}:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`
}

export function testRedisSettings(label: string): RedisSettings {
  return { url: redisTestUrl, prefix: testRedisPrefix(label) }
}

/** An admin connection for tests that inspect or cut other connections (CLIENT LIST / KILL). */
export async function redisAdmin(): Promise<Redis> {
  const redis = new Redis(redisTestUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  return redis
}

/** Deletes every key under `prefix` (SCAN, not KEYS, so a shared server is not blocked). */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    if (keys.length) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
}
