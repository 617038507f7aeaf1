import { describe, expect, it } from 'vitest'
import { VersionCache } from './version-cache.js'

function setup(options: { ttlMs?: number; max?: number } = {}) {
  const clock = { t: 1_000_000, now: () => clock.t }
  const cache = new VersionCache<string>({ clock, ...options })
  let builds = 0
  const build = (value: string) => async () => {
    builds += 1
    return value
  }
  return { clock, cache, build, builds: () => builds }
}

describe('VersionCache', () => {
  it('reuses a build while the version is the same and younger than the TTL', async () => {
    const { clock, cache, build, builds } = setup({ ttlMs: 60_000 })
    expect(await cache.get('c1', 'v1', build('a'))).toBe('a')
    clock.t += 59_999
    expect(await cache.get('c1', 'v1', build('b'))).toBe('a')
    expect(builds()).toBe(1)
    clock.t += 1
    expect(await cache.get('c1', 'v1', build('c'))).toBe('c')
    expect(builds()).toBe(2)
  })

  it('rebuilds at once when the version changes, and keeps channels apart', async () => {
    const { cache, build } = setup()
    await cache.get('c1', 'v1', build('a'))
    await cache.get('c2', 'v1', build('other'))
    expect(await cache.get('c1', 'v2', build('b'))).toBe('b')
    expect(await cache.get('c2', 'v1', build('x'))).toBe('other')
  })

  it('shares one build between concurrent requests, and does not keep a failed one', async () => {
    const { cache, build, builds } = setup()
    const [a, b] = await Promise.all([cache.get('c1', 'v1', build('a')), cache.get('c1', 'v1', build('b'))])
    expect([a, b, builds()]).toEqual(['a', 'a', 1])
    await expect(cache.get('c2', 'v1', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down')
    expect(await cache.get('c2', 'v1', build('ok'))).toBe('ok')
  })

  it('holds at most `max` channels, dropping the least recently used', async () => {
    const { cache, build, builds } = setup({ max: 2 })
    await cache.get('c1', 'v', build('1'))
    await cache.get('c2', 'v', build('2'))
    await cache.get('c1', 'v', build('x')) // c1 used again: c2 is now the oldest
    await cache.get('c3', 'v', build('3'))
    expect(cache.size).toBe(2)
    expect(await cache.get('c1', 'v', build('y'))).toBe('1')
    expect(await cache.get('c2', 'v', build('2 again'))).toBe('2 again')
    expect(builds()).toBe(4)
  })

  it('hands the build the value it replaces', async () => {
    const { clock, cache } = setup({ ttlMs: 10 })
    await cache.get('c1', 'v1', async () => 'first')
    const seen: (string | undefined)[] = []
    const build = async (previous: Promise<string> | undefined) => {
      seen.push(await previous)
      return 'next'
    }
    await cache.get('c1', 'v2', build) // another version
    clock.t += 10
    await cache.get('c1', 'v2', build) // expired
    await cache.get('c2', 'v1', build) // nothing before
    expect(seen).toEqual(['first', 'next', undefined])
  })
})
