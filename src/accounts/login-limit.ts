import type { Config } from '../config/config.js'
import { fail } from '../errors.js'
import type { RateLimiter } from '../kv/rate-limiter.js'

/** One client address may fail this many times more often than one account (shared NAT, offices). */
export const ADDRESS_LIMIT_FACTOR = 10

export interface LoginLimiter {
  /** Throws `login-throttled` when the handle or the address is over its limit — before any password check. */
  check(handle: string, address: string): Promise<void>
  recordFailure(handle: string, address: string): Promise<void>
  /** A successful login clears the account's counter (not the address's). */
  recordSuccess(handle: string): Promise<void>
}

/**
 * Counts failed logins per handle (known or not, so the limiter does not reveal which handles
 * exist) and per client address, in fixed windows of `config.loginLimit.windowMs`.
 */
export function createLoginLimiter(rateLimiter: RateLimiter, limits: Config['loginLimit']): LoginLimiter {
  const { maxAttempts, windowMs } = limits
  const accountKey = (handle: string) => `login:account:${handle.toLowerCase()}`
  const addressKey = (address: string) => `login:address:${address}`

  async function refuseIfOver(key: string, limit: number): Promise<void> {
    const state = await rateLimiter.count(key, windowMs)
    if (state.count < limit) return
    const retryAfterSeconds = Math.max(1, Math.ceil(state.retryAfterMs / 1000))
    fail('login-throttled', `Too many failed logins; try again in ${retryAfterSeconds} seconds.`, {
      retryAfterSeconds,
    })
  }

  return {
    async check(handle, address) {
      await refuseIfOver(accountKey(handle), maxAttempts)
      await refuseIfOver(addressKey(address), maxAttempts * ADDRESS_LIMIT_FACTOR)
    },
    async recordFailure(handle, address) {
      await rateLimiter.hit(accountKey(handle), maxAttempts, windowMs)
      await rateLimiter.hit(addressKey(address), maxAttempts * ADDRESS_LIMIT_FACTOR, windowMs)
    },
    async recordSuccess(handle) {
      await rateLimiter.reset(accountKey(handle))
    },
  }
}
