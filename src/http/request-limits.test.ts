import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config/config.js'
import { DomainError } from '../errors.js'
import { createRateLimiter } from '../kv/rate-limiter.js'
import { addressKey } from './client-address.js'
import { createRequestLimits, refusalDetail, waitText, windowText } from './request-limits.js'

function limitsWith(env: Record<string, string>) {
  let now = Date.UTC(2025, 4, 1)
  const clock = { now: () => now }
  const limits = createRequestLimits({
    rateLimiter: createRateLimiter(clock),
    config: loadConfig(env).rateLimits,
  })
  return { limits, advance: (ms: number) => (now += ms) }
}

describe('request limits', () => {
  it('keys IPv4 as is (IPv4-mapped too) and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64')
  })

  it('counts an account and, the factor times as much, its address; a window later both start over', async () => {
    const { limits, advance } = limitsWith({
      BACKLOT_RATE_LIMIT_VOTES: '2/1m',
      BACKLOT_RATE_LIMIT_ADDRESS_FACTOR: '2',
    })
    const address = '198.51.100.1'
    const client = (accountId: string) => ({ accountId, address })
    expect(await limits.check('votes', client('a'))).toBeNull()
    expect(await limits.check('votes', client('a'))).toBeNull()
    expect(await limits.check('votes', client('a'))).toMatchObject({ per: 'account', limit: 2 })
    // Refused hits count too: the address has had 3 of its 2 × 2.
    expect(await limits.check('votes', client('b'))).toBeNull()
    expect(await limits.check('votes', client('b'))).toMatchObject({ per: 'address', limit: 4 })
    advance(60_000)
    expect(await limits.check('votes', client('b'))).toBeNull()
  })

  it('never counts an exempt address', async () => {
    const { limits } = limitsWith({
      BACKLOT_RATE_LIMIT_REGISTRATION: '1/1h',
      BACKLOT_RATE_LIMIT_EXEMPT: '10.0.0.0/8',
    })
    for (let i = 0; i < 5; i++)
      expect(await limits.check('registration', { accountId: null, address: '10.1.2.3' })).toBeNull()
    expect(limits.isExempt('10.200.0.1')).toBe(true)
    expect(limits.isExempt('11.0.0.1')).toBe(false)
  })

  it('throws the rate-limited problem with what, how many, per what and when', async () => {
    const { limits, advance } = limitsWith({ BACKLOT_RATE_LIMIT_REACTIONS: '1/1m' })
    await limits.enforce('reactions', { account: 'fan' })
    advance(48_000)
    const error = await limits.enforce('reactions', { account: 'fan' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DomainError)
    expect(error).toMatchObject({
      reason: 'rate-limited',
      detail: 'Too many reactions: at most 1 per minute. Try again in 12 s.',
      extra: { bucket: 'reactions', per: 'account', limit: 1, windowSeconds: 60, retryAfterSeconds: 12 },
    })
  })

  it('words windows and waits for people', () => {
    expect([1000, 30_000, 60_000, 600_000, 3_600_000, 86_400_000, 90_000].map(windowText)).toEqual([
      'per second',
      'per 30 seconds',
      'per minute',
      'per 10 minutes',
      'per hour',
      'per day',
      'per 90 seconds',
    ])
    expect([1, 119, 120, 3599, 7200, 86_400].map(waitText)).toEqual([
      '1 s',
      '119 s',
      '2 min',
      '60 min',
      '2 h',
      '24 h',
    ])
    const refusal = {
      bucket: 'registration',
      per: 'address',
      limit: 10,
      windowMs: 3_600_000,
      retryAfterSeconds: 1800,
    } as const
    expect(refusalDetail(refusal)).toBe(
      'Too many registrations from this address: at most 10 per hour. Try again in 30 min.',
    )
  })
})
