import { describe, expect, it } from 'vitest'
import { ConfigError, configDocTable, loadConfig } from './config.js'
import { rateLimitBuckets, rateLimitVariableName } from './rate-limits.js'

describe('rate-limit configuration', () => {
  it('gives every bucket its default, uploads from MEDIA_UPLOAD_*, and exempts no address', () => {
    const { rateLimits } = loadConfig({})
    expect(Object.keys(rateLimits.buckets).sort()).toEqual(Object.keys(rateLimitBuckets).sort())
    expect(rateLimits.buckets.registration).toEqual({ limit: 10, windowMs: 3_600_000 })
    expect(rateLimits.buckets.reactions).toEqual({ limit: 60, windowMs: 60_000 })
    expect(rateLimits.buckets.uploads).toEqual({ limit: 60, windowMs: 600_000 })
    expect(rateLimits.addressFactor).toBe(10)
    expect(rateLimits.exempt).toEqual([])
  })

  it('reads count/window in seconds, minutes, hours and days', () => {
    const { buckets } = loadConfig({
      BACKLOT_RATE_LIMIT_REACTIONS: '120/30s',
      BACKLOT_RATE_LIMIT_VOTES: '5/m',
      BACKLOT_RATE_LIMIT_POSTS: '100/2h',
      BACKLOT_RATE_LIMIT_CHANNEL_CREATE: '3/7d',
      BACKLOT_MEDIA_UPLOAD_LIMIT: '5',
      BACKLOT_MEDIA_UPLOAD_WINDOW_SECONDS: '60',
    }).rateLimits
    expect(buckets.reactions).toEqual({ limit: 120, windowMs: 30_000 })
    expect(buckets.votes).toEqual({ limit: 5, windowMs: 60_000 })
    expect(buckets.posts).toEqual({ limit: 100, windowMs: 7_200_000 })
    expect(buckets['channel-create']).toEqual({ limit: 3, windowMs: 604_800_000 })
    expect(buckets.uploads).toEqual({ limit: 5, windowMs: 60_000 })
  })

  it('normalises exempt addresses and ranges to CIDR', () => {
    const { exempt } = loadConfig({
      BACKLOT_RATE_LIMIT_EXEMPT: ' 192.0.2.10, 2001:db8::/48,127.0.0.0/8 ',
    }).rateLimits
    expect(exempt).toEqual(['192.0.2.10/32', '2001:db8::/48', '127.0.0.0/8'])
  })

  it.each([
    [
      'BACKLOT_RATE_LIMIT_REACTIONS',
      '60',
      /BACKLOT_RATE_LIMIT_REACTIONS: must be a count per window such as 60\/1m/,
    ],
    ['BACKLOT_RATE_LIMIT_REACTIONS', '60/1w', /BACKLOT_RATE_LIMIT_REACTIONS: must be a count per window/],
    ['BACKLOT_RATE_LIMIT_VOTES', '0/1m', /BACKLOT_RATE_LIMIT_VOTES: count must be 1 to 1000000/],
    ['BACKLOT_RATE_LIMIT_POSTS', '10/8d', /BACKLOT_RATE_LIMIT_POSTS: window must be 1s to 7d/],
    [
      'BACKLOT_RATE_LIMIT_ADDRESS_FACTOR',
      'ten',
      /BACKLOT_RATE_LIMIT_ADDRESS_FACTOR: must be a whole number from 1 to 10000/,
    ],
    [
      'BACKLOT_RATE_LIMIT_EXEMPT',
      '10.0.0.0/33',
      /BACKLOT_RATE_LIMIT_EXEMPT: "10.0.0.0\/33" is not an IP address or CIDR range/,
    ],
  ])('refuses %s=%s in one line naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(message)
  })

  it('documents every limit in the configuration table', () => {
    const table = configDocTable()
    for (const bucket of Object.keys(rateLimitBuckets) as (keyof typeof rateLimitBuckets)[]) {
      if (bucket === 'uploads') expect(table).toContain('`BACKLOT_MEDIA_UPLOAD_LIMIT`')
      else
        expect(table).toContain(
          `| \`${rateLimitVariableName(bucket)}\` | \`${rateLimitBuckets[bucket].default}\` |`,
        )
    }
    expect(table).toContain('`BACKLOT_RATE_LIMIT_EXEMPT`')
  })
})
