import { type RateLimitBucket, type RateLimitConfig, rateLimitBuckets } from '../config/rate-limits.js'
import { DomainError } from '../errors.js'
import type { RateLimiter } from '../kv/rate-limiter.js'
import { addressKey, addressMatcher } from './client-address.js'

/** Who one hit is counted for: an account, or a client address (IPv6 by its /64). */
export type Counted = { account: string } | { address: string }

export interface RateRefusal {
  bucket: RateLimitBucket
  per: 'account' | 'address'
  limit: number
  windowMs: number
  retryAfterSeconds: number
}

/**
 * The rate-limit buckets over the RateLimiter seam (in memory, the workers' primary, or Redis in
 * cluster mode), so a limit holds across every worker and node. Fixed windows: each hit counts,
 * refused ones too, and a refusal says when the window ends.
 */
export interface RequestLimits {
  /** Whether the address is exempt from every limit (BACKLOT_RATE_LIMIT_EXEMPT). */
  isExempt(ip: string): boolean
  /** Counts one hit; returns the refusal when it is over the bucket's limit for `who`. */
  hit(bucket: RateLimitBucket, who: Counted): Promise<RateRefusal | null>
  /** Whether the bucket also counts per account (else only per address). */
  countsAccounts(bucket: RateLimitBucket): boolean
  /** Counts one hit and throws `rate-limited` (with its bucket, limit and wait) when refused. */
  enforce(bucket: RateLimitBucket, who: Counted): Promise<void>
  /**
   * Counts one hit for a client and, when signed in, its account (streams: one per subscribe op);
   * exempt addresses never count.
   */
  check(
    bucket: RateLimitBucket,
    client: { accountId: string | null; address: string },
  ): Promise<RateRefusal | null>
}

export function createRequestLimits(deps: {
  rateLimiter: RateLimiter
  config: RateLimitConfig
}): RequestLimits {
  const { rateLimiter, config } = deps
  const isExempt = addressMatcher(config.exempt)
  const countsAccounts = (bucket: RateLimitBucket) => rateLimitBuckets[bucket].keys === 'account+address'

  async function hit(bucket: RateLimitBucket, who: Counted): Promise<RateRefusal | null> {
    const rule = config.buckets[bucket]
    const isAccount = 'account' in who
    const key = isAccount ? `rl:${bucket}:a:${who.account}` : `rl:${bucket}:ip:${addressKey(who.address)}`
    const limit = isAccount || !countsAccounts(bucket) ? rule.limit : rule.limit * config.addressFactor
    const decision = await rateLimiter.hit(key, limit, rule.windowMs)
    if (decision.allowed) return null
    return {
      bucket,
      per: isAccount ? 'account' : 'address',
      limit,
      windowMs: rule.windowMs,
      retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
    }
  }

  return {
    isExempt,
    hit,

    countsAccounts,

    async enforce(bucket: RateLimitBucket, who: Counted): Promise<void> {
      const refusal = await hit(bucket, who)
      if (refusal) throw refusalError(refusal)
    },

    async check(
      bucket: RateLimitBucket,
      client: { accountId: string | null; address: string },
    ): Promise<RateRefusal | null> {
      if (isExempt(client.address)) return null
      const byAddress = await hit(bucket, { address: client.address })
      if (byAddress || client.accountId === null || !countsAccounts(bucket)) return byAddress
      return hit(bucket, { account: client.accountId })
    },
  }
}

function refusalError(refusal: RateRefusal): DomainError {
  return new DomainError('rate-limited', refusalDetail(refusal), {
    bucket: refusal.bucket,
    limit: refusal.limit,
    windowSeconds: refusal.windowMs / 1000,
    per: refusal.per,
    retryAfterSeconds: refusal.retryAfterSeconds,
  })
}

/** "Too many reactions: at most 60 per minute. Try again in 12 s." */
export function refusalDetail(refusal: RateRefusal): string {
  const { what } = rateLimitBuckets[refusal.bucket]
  const from = refusal.per === 'address' ? ' from this address' : ''
  const window = windowText(refusal.windowMs)
  return `Too many ${what}${from}: at most ${refusal.limit} ${window}. Try again in ${waitText(refusal.retryAfterSeconds)}.`
}

const UNITS = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1000, 'second'],
] as const

/** 60_000 → "per minute", 600_000 → "per 10 minutes". */
export function windowText(windowMs: number): string {
  const [size, unit] = UNITS.find(([size]) => windowMs % size === 0) ?? [1000, 'second']
  const count = Math.round(windowMs / size)
  return count === 1 ? `per ${unit}` : `per ${count} ${unit}s`
}

/** 12 → "12 s", 300 → "5 min", 7200 → "2 h". */
export function waitText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} min`
  return `${Math.ceil(seconds / 3600)} h`
}
