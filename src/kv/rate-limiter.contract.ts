import { afterEach, expect, it } from 'vitest'
import type { RateLimiter } from './rate-limiter.js'

/**
 * The RateLimiter contract, run on the in-memory and the Redis implementation. `make` returns a
 * limiter on a fresh key space; calling it twice in one test gives two handles on the same space
 * where the implementation is shared (Redis: two nodes), or two independent ones (memory).
 */
export interface RateLimiterFixture {
  make(): Promise<RateLimiter & { close?(): Promise<void> }>
  cleanup?(): Promise<void>
}

export function testRateLimiterContract(fixture: () => Promise<RateLimiterFixture>): void {
  let current: RateLimiterFixture | undefined
  const opened: { close?(): Promise<void> }[] = []
  const limiter = async () => {
    current ??= await fixture()
    const made = await current.make()
    opened.push(made)
    return made
  }

  afterEach(async () => {
    for (const made of opened.splice(0)) await made.close?.()
    await current?.cleanup?.()
    current = undefined
  })

  it('allows `limit` hits per window, then refuses with the time until the window ends', async () => {
    const rate = await limiter()
    for (let i = 0; i < 3; i++)
      expect(await rate.hit('k', 3, 60_000)).toEqual({ allowed: true, retryAfterMs: 0 })
    const refused = await rate.hit('k', 3, 60_000)
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterMs).toBeGreaterThan(0)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000)
  })

  it('counts without recording, and keeps keys apart', async () => {
    const rate = await limiter()
    expect((await rate.count('fresh', 60_000)).count).toBe(0)
    await rate.hit('a', 5, 60_000)
    await rate.hit('a', 5, 60_000)
    await rate.hit('b', 5, 60_000)
    expect((await rate.count('a', 60_000)).count).toBe(2)
    expect((await rate.count('a', 60_000)).count).toBe(2)
    expect((await rate.count('b', 60_000)).count).toBe(1)
    const state = await rate.count('a', 60_000)
    expect(state.allowed).toBe(true)
    expect(state.retryAfterMs).toBeGreaterThan(0)
    expect(state.retryAfterMs).toBeLessThanOrEqual(60_000)
  })

  it('reset clears a key', async () => {
    const rate = await limiter()
    await rate.hit('r', 1, 60_000)
    expect((await rate.hit('r', 1, 60_000)).allowed).toBe(false)
    await rate.reset('r')
    expect((await rate.count('r', 60_000)).count).toBe(0)
    expect((await rate.hit('r', 1, 60_000)).allowed).toBe(true)
  })

  it('starts a new window once the old one ended', async () => {
    const rate = await limiter()
    await rate.hit('w', 1, 200)
    expect((await rate.hit('w', 1, 200)).allowed).toBe(false)
    const deadline = Date.now() + 10_000
    let decision = await rate.hit('w', 1, 200)
    while (!decision.allowed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      decision = await rate.hit('w', 1, 200)
    }
    expect(decision.allowed).toBe(true)
  })

  it('admits exactly `limit` of many concurrent hits', async () => {
    const rate = await limiter()
    const decisions = await Promise.all(Array.from({ length: 50 }, () => rate.hit('c', 10, 60_000)))
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10)
  })
}
