import type { Clock } from '../util/clock.js'

/**
 * Counts events per key within a window (login failures, uploads, answers). The in-memory
 * implementation serves one node; cluster mode swaps in a Redis one with the same contract.
 */
export interface RateLimiter {
  /** Records one event and returns whether the key is still within `limit` events per `windowMs`. */
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>
  /** How many events the key has in the current window, without recording one. */
  count(key: string, windowMs: number): Promise<RateDecision & { count: number }>
  reset(key: string): Promise<void>
}

export interface RateDecision {
  allowed: boolean
  retryAfterMs: number
}

interface Bucket {
  count: number
  resetAt: number
}

/** Fixed-window counters in a Map, swept as they expire so memory stays bounded by active keys. */
export function createRateLimiter(clock: Clock): RateLimiter {
  const buckets = new Map<string, Bucket>()
  let lastSweep = clock.now()

  function current(key: string, windowMs: number): Bucket {
    const now = clock.now()
    if (now - lastSweep > 60_000) {
      for (const [k, b] of buckets) if (b.resetAt <= now) buckets.delete(k)
      lastSweep = now
    }
    let bucket = buckets.get(key)
    if (!bucket || bucket.resetAt <= now) {
      bucket = { count: 0, resetAt: now + windowMs }
      buckets.set(key, bucket)
    }
    return bucket
  }

  return {
    async hit(key, limit, windowMs) {
      const bucket = current(key, windowMs)
      bucket.count += 1
      const allowed = bucket.count <= limit
      return { allowed, retryAfterMs: allowed ? 0 : bucket.resetAt - clock.now() }
    },
    async count(key, windowMs) {
      const bucket = current(key, windowMs)
      return { allowed: true, retryAfterMs: bucket.resetAt - clock.now(), count: bucket.count }
    },
    async reset(key) {
      buckets.delete(key)
    },
  }
}
