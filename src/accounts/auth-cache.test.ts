import { describe, expect, it } from 'vitest'
import type { AccountRow } from '../db/schema.js'
import {
  AUTH_CACHE_TTL_MS,
  type CachedSession,
  createAuthCache,
  parseRevocation,
  revocationMessage,
} from './auth-cache.js'

const account = (id: string): AccountRow => ({
  id,
  handle: id,
  display_name: id,
  password_hash: null,
  email: null,
  is_admin: 0,
  created_at: 0,
  language: null,
  suspended_at: null,
  suspension_reason: null,
  deletion_requested_at: null,
  deletion_due_at: null,
  erased_at: null,
})
const session = (id: string, accountId = 'acc'): CachedSession => ({
  account: account(accountId),
  sessionId: id,
  lastSeenAt: 0,
  expiresAt: Number.MAX_SAFE_INTEGER,
})

function setup(max?: number) {
  const clock = { t: 1_000, now: () => clock.t }
  const cache = createAuthCache(clock, AUTH_CACHE_TTL_MS, max)
  const reads: string[] = []
  const lookup = (id: string, found = true) =>
    cache.session(id, async () => {
      reads.push(id)
      return found ? session(id) : null
    })
  return { clock, cache, reads, lookup }
}

describe('auth cache', () => {
  it('reads a credential once within the TTL, and again after it', async () => {
    const { clock, reads, lookup } = setup()
    await lookup('s1')
    clock.t += AUTH_CACHE_TTL_MS - 1
    expect((await lookup('s1'))?.sessionId).toBe('s1')
    expect(reads).toEqual(['s1'])
    clock.t += 1
    await lookup('s1')
    expect(reads).toEqual(['s1', 's1'])
  })

  it('never keeps an unknown credential: a made-up secret is looked up every time', async () => {
    const { cache, reads, lookup } = setup()
    expect(await lookup('nope', false)).toBeNull()
    expect(await lookup('nope', false)).toBeNull()
    expect(reads).toEqual(['nope', 'nope'])
    expect(cache.size).toBe(0)
  })

  it('drops a revoked session, token or every credential of an account', async () => {
    const { cache, reads, lookup } = setup()
    await lookup('s1')
    await lookup('s2')
    const token = { account: account('other'), tokenId: 'tk', scopes: new Set<never>(), lastUsedAt: null }
    await cache.token('t1', async () => token)
    cache.revoke(revocationMessage({ session: 's1' }))
    await lookup('s1')
    await lookup('s2')
    expect(reads).toEqual(['s1', 's2', 's1'])
    cache.revoke(revocationMessage({ account: 'acc' }))
    await lookup('s1')
    await lookup('s2')
    expect(reads).toEqual(['s1', 's2', 's1', 's1', 's2'])
    expect(await cache.token('t1', async () => null)).toBe(token)
    // Tokens are cached by the hash of their secret ('t1') and revoked by their id ('tk').
    cache.revoke(revocationMessage({ token: 't1' }))
    expect(await cache.token('t1', async () => null)).toBe(token)
    cache.revoke(revocationMessage({ token: 'tk' }))
    expect(await cache.token('t1', async () => null)).toBeNull()
  })

  it('reads back the revocation a bus message names, and nothing from a malformed one', () => {
    for (const what of [{ session: 's1' }, { token: 'tk' }, { account: 'acc' }]) {
      expect(parseRevocation(revocationMessage(what))).toEqual(what)
    }
    for (const bad of ['garbage', 's ', 'x 1', '']) expect(parseRevocation(bad)).toBeNull()
  })

  it('does not keep what a lookup read while a revocation happened', async () => {
    const { cache, reads, lookup } = setup()
    let release: () => void = () => undefined
    const inFlight = cache.session('s1', async () => {
      await new Promise<void>((resolve) => {
        release = resolve
      })
      return session('s1') // read before the logout committed
    })
    cache.revoke(revocationMessage({ session: 's1' }))
    release()
    expect((await inFlight)?.sessionId).toBe('s1')
    await lookup('s1')
    expect(reads).toEqual(['s1'])
    expect(cache.size).toBe(1)
  })

  it('holds at most `max` entries, dropping the oldest', async () => {
    const { cache, reads, lookup } = setup(2)
    await lookup('s1')
    await lookup('s2')
    await lookup('s3')
    expect(cache.size).toBe(2)
    await lookup('s3')
    await lookup('s1')
    expect(reads).toEqual(['s1', 's2', 's3', 's1'])
  })

  it('ignores a malformed revocation message', async () => {
    const { cache, reads, lookup } = setup()
    await lookup('s1')
    cache.revoke('garbage')
    await lookup('s1')
    expect(reads).toEqual(['s1'])
  })
})
