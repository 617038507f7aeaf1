import { describe, expect, it } from 'vitest'
import { classifyResponse, parseRetryAfter } from './sender.js'

describe('classifyResponse (RFC 8030 answers)', () => {
  const now = Date.parse('2025-06-01T12:00:00Z')
  it.each([
    [201, undefined, { kind: 'sent' }],
    [404, undefined, { kind: 'gone', status: 404 }],
    [410, undefined, { kind: 'gone', status: 410 }],
    [429, '7', { kind: 'retry', reason: 'rate-limited', retryAfterMs: 7000, status: 429 }],
    [503, undefined, { kind: 'retry', reason: 'server-error', retryAfterMs: null, status: 503 }],
    [413, undefined, { kind: 'failed', reason: 'too-large', status: 413, detail: 'x' }],
    [400, undefined, { kind: 'failed', reason: 'rejected', status: 400, detail: 'x' }],
    [403, undefined, { kind: 'failed', reason: 'unauthorized', status: 403, detail: 'x' }],
  ])('%s → %o', (status, retryAfter, outcome) => {
    expect(classifyResponse(status, retryAfter, 'x', now)).toEqual(outcome)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z')
  it('reads delay-seconds and HTTP dates, and caps at an hour', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('999999', now)).toBe(3_600_000)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(undefined, now)).toBeNull()
  })
})
