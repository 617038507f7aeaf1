import { describe, expect, it } from 'vitest'
import { deleteRedisKeys, redisAdmin, testRedisSettings } from '../../test/_util/redis.js'
import { createLogger } from '../logger.js'
import { testRateLimiterContract } from './rate-limiter.contract.js'
import { RedisRateLimiter } from './redis-rate-limiter.js'

const logger = createLogger('silent')

describe('RedisRateLimiter [redis]', () => {
  testRateLimiterContract(async () => {
    const settings = testRedisSettings('rate')
    return {
      make: () => RedisRateLimiter.connect(settings, logger),
      cleanup: async () => {
        const admin = await redisAdmin()
        await deleteRedisKeys(admin, settings.prefix)
        admin.disconnect()
      },
    }
  })

  it('shares one count between nodes, so a limit holds across the cluster', async () => {
    const settings = testRedisSettings('rate-shared')
    const nodeA = await RedisRateLimiter.connect(settings, logger)
    const nodeB = await RedisRateLimiter.connect(settings, logger)
    try {
      const decisions = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? nodeA : nodeB).hit('login:account:ann', 10, 60_000)),
      )
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10)
      expect((await nodeA.count('login:account:ann', 60_000)).count).toBe(40)
      await nodeB.reset('login:account:ann')
      expect((await nodeA.count('login:account:ann', 60_000)).count).toBe(0)
    } finally {
      await nodeA.close()
      await nodeB.close()
    }
  })

  it('fails open (allows) when Redis is unreachable', async () => {
    const settings = testRedisSettings('rate-down')
    const limiter = await RedisRateLimiter.connect(settings, logger)
    await limiter.close()
    expect(await limiter.hit('k', 1, 60_000)).toEqual({ allowed: true, retryAfterMs: 0 })
    expect(await limiter.hit('k', 1, 60_000)).toEqual({ allowed: true, retryAfterMs: 0 })
  })
})
