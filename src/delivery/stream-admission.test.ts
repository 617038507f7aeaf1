import { describe, expect, it } from 'vitest'
import { ProblemError } from '../http/problem-error.js'
import { createStreamAdmission } from './stream-admission.js'

describe('stream admission (issue 21 part 4)', () => {
  it('admits a second’s worth at once, then the rate, and refuses the rest with a 1–5 s Retry-After', () => {
    let now = 0
    const draws = [0, 0.99]
    const admission = createStreamAdmission(10, { now: () => now }, () => draws.shift() ?? 0.5)
    for (let i = 0; i < 10; i++) expect(admission.take()).toBeNull()
    expect(admission.take()).toBe(1)
    expect(admission.take()).toBe(5)
    now += 100 // a tenth of a second: one more token
    expect(admission.take()).toBeNull()
    expect(admission.take()).toBe(3)
    now += 60_000 // never more than the burst
    for (let i = 0; i < 10; i++) expect(admission.take()).toBeNull()
    expect(admission.take()).not.toBeNull()
    expect(admission.refused).toBe(4)
  })

  it('refuses with the 503 streams-busy problem carrying its Retry-After', () => {
    const admission = createStreamAdmission(1, { now: () => 0 }, () => 0.5)
    admission.admitOrRefuse()
    try {
      admission.admitOrRefuse()
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError)
      expect((error as ProblemError).problem).toMatchObject({
        status: 503,
        code: 'streams-busy',
        retryAfterSeconds: 3,
      })
    }
  })

  it('admits everything when the rate is 0 (no cap)', () => {
    const admission = createStreamAdmission(0, { now: () => 0 })
    for (let i = 0; i < 10_000; i++) expect(admission.take()).toBeNull()
  })
})
