import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { createRateLimiter } from '../kv/rate-limiter.js'
import { createLoginLimiter } from './login-limit.js'

describe('login limiter', () => {
  function setup() {
    let t = 0
    const clock = { now: () => t }
    const limiter = createLoginLimiter(createRateLimiter(clock), { maxAttempts: 2, windowMs: 60_000 })
    return { limiter, advance: (ms: number) => (t += ms) }
  }
  const refusal = (promise: Promise<void>) =>
    promise.then(
      () => null,
      (e: DomainError) => e,
    )

  it('refuses a handle after maxAttempts failures, in any case, until the window ends', async () => {
    const { limiter, advance } = setup()
    await limiter.recordFailure('Alice', '1.1.1.1')
    await limiter.recordFailure('alice', '2.2.2.2')
    const error = await refusal(limiter.check('ALICE', '3.3.3.3'))
    expect(error).toBeInstanceOf(DomainError)
    expect(error).toMatchObject({ reason: 'login-throttled', extra: { retryAfterSeconds: 60 } })
    advance(60_000)
    expect(await refusal(limiter.check('alice', '3.3.3.3'))).toBeNull()
  })

  it('refuses an address after ten times as many failures, and success clears only the account', async () => {
    const { limiter } = setup()
    for (let i = 0; i < 20; i++) await limiter.recordFailure(`user${i}`, '9.9.9.9')
    expect(await refusal(limiter.check('someone', '9.9.9.9'))).toMatchObject({ reason: 'login-throttled' })
    expect(await refusal(limiter.check('someone', '8.8.8.8'))).toBeNull()
    await limiter.recordSuccess('user0')
    expect(await refusal(limiter.check('user0', '9.9.9.9'))).toMatchObject({ reason: 'login-throttled' })
  })
})
