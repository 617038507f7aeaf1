import type { Redis } from 'ioredis'
import type { Logger } from '../logger.js'
import { closeRedis, connectRedis, openRedis, type RedisSettings } from '../redis/redis-connection.js'
import type { RateDecision, RateLimiter } from './rate-limiter.js'

/**
 * One fixed-window counter, atomically: INCR, start the window on the first hit (PEXPIRE), return
 * the count and the time left. A key that somehow lost its expiry gets one again, so no counter can
 * block forever.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`

interface ScriptedRedis extends Redis {
  rateHit(key: string, windowMs: number): Promise<[number, number]>
}

/**
 * The RateLimiter over Redis, so limits (login throttling, uploads, answers) hold across every
 * node of a cluster (issue 7, item 5). Same fixed-window semantics as the in-memory limiter.
 *
 * When Redis cannot answer, the limiter **fails open** (allows, and logs once per 10 s): a Redis
 * outage must not lock every user out of logging in or posting; the limits come back with Redis.
 */
export class RedisRateLimiter implements RateLimiter {
  #lastLogged = 0

  private constructor(
    private readonly redis: ScriptedRedis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  static async connect(settings: RedisSettings, logger: Logger): Promise<RedisRateLimiter> {
    const redis = openRedis(settings, 'rate', logger, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
    }) as ScriptedRedis
    redis.defineCommand('rateHit', { numberOfKeys: 1, lua: HIT_SCRIPT })
    await connectRedis(redis, settings.url)
    return new RedisRateLimiter(redis, `${settings.prefix}rate:`, logger)
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    try {
      const [count, ttl] = await this.redis.rateHit(this.prefix + key, windowMs)
      const allowed = count <= limit
      return { allowed, retryAfterMs: allowed ? 0 : Math.max(1, ttl) }
    } catch (error) {
      this.#failOpen(error)
      return { allowed: true, retryAfterMs: 0 }
    }
  }

  async count(key: string, windowMs: number): Promise<RateDecision & { count: number }> {
    try {
      const [[, raw], [, ttl]] = (await this.redis
        .multi()
        .get(this.prefix + key)
        .pttl(this.prefix + key)
        .exec()) as [[null, string | null], [null, number]]
      const count = raw === null ? 0 : Number(raw)
      return { allowed: true, retryAfterMs: ttl > 0 ? ttl : windowMs, count }
    } catch (error) {
      this.#failOpen(error)
      return { allowed: true, retryAfterMs: windowMs, count: 0 }
    }
  }

  async reset(key: string): Promise<void> {
    try {
      await this.redis.del(this.prefix + key)
    } catch (error) {
      this.#failOpen(error)
    }
  }

  async close(): Promise<void> {
    await closeRedis(this.redis)
  }

  #failOpen(error: unknown): void {
    if (Date.now() - this.#lastLogged < 10_000) return
    this.#lastLogged = Date.now()
    this.logger.warn({ err: error }, 'rate limiter unavailable (Redis); allowing requests meanwhile')
  }
}
