import { describe } from 'vitest'
import { systemClock } from '../util/clock.js'
import { testRateLimiterContract } from './rate-limiter.contract.js'
import { createRateLimiter } from './rate-limiter.js'

describe('in-memory RateLimiter', () => {
  testRateLimiterContract(async () => ({ make: async () => createRateLimiter(systemClock) }))
})
