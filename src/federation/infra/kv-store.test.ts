import { Temporal } from '@js-temporal/polyfill'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../test/_util/db.js'
import { type DatabaseHandle, openDatabase } from '../../db/database.js'
import { migrateToLatest } from '../../db/migrator.js'
import { DatabaseKvStore } from './kv-store.js'

/** Fedify's KvStore contract (get/set/delete/cas/list, TTL) on both databases (issue 18 part 2). */
describe.each(testDatabases)('DatabaseKvStore on %s', (kind) => {
  let testDb: TestDatabase
  let handle: DatabaseHandle
  const clock = {
    t: 1_000_000,
    now() {
      return this.t
    },
  }
  let kv: DatabaseKvStore

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    handle = await openDatabase(testDb.config)
    await migrateToLatest(handle.db)
    kv = new DatabaseKvStore(handle.db, clock)
  })
  afterAll(async () => {
    await handle?.close()
    await testDb?.drop()
  })

  it('sets, gets, overwrites and deletes JSON values under array keys', async () => {
    expect(await kv.get(['a', 'missing'])).toBeUndefined()
    await kv.set(['a', 'x'], { n: 1, list: [1, 'two', null], nested: { ü: 'ß' } })
    expect(await kv.get(['a', 'x'])).toEqual({ n: 1, list: [1, 'two', null], nested: { ü: 'ß' } })
    await kv.set(['a', 'x'], 'plain')
    expect(await kv.get(['a', 'x'])).toBe('plain')
    await kv.delete(['a', 'x'])
    expect(await kv.get(['a', 'x'])).toBeUndefined()
  })

  it('keeps keys apart whatever their characters (slashes, percent signs, Unicode)', async () => {
    await kv.set(['k', 'a/b'], 1)
    await kv.set(['k', 'a', 'b'], 2)
    await kv.set(['k', '%2F'], 3)
    await kv.set(['k', '日本'], 4)
    expect(await kv.get(['k', 'a/b'])).toBe(1)
    expect(await kv.get(['k', 'a', 'b'])).toBe(2)
    expect(await kv.get(['k', '%2F'])).toBe(3)
    expect(await kv.get(['k', '日本'])).toBe(4)
  })

  it('honours a TTL on read and sweeps what expired', async () => {
    await kv.set(['t', 'short'], 'soon gone', { ttl: Temporal.Duration.from({ seconds: 10 }) })
    await kv.set(['t', 'long'], 'stays', { ttl: Temporal.Duration.from({ hours: 1 }) })
    await kv.set(['t', 'forever'], 'stays')
    expect(await kv.get(['t', 'short'])).toBe('soon gone')
    clock.t += 10_000
    expect(await kv.get(['t', 'short'])).toBeUndefined()
    expect(await kv.get(['t', 'long'])).toBe('stays')
    expect(await kv.sweepExpired()).toBe(1)
    const left = await handle.db
      .selectFrom('federation_kv')
      .select('key')
      .where('key', 'like', 't/%')
      .execute()
    expect(left.map((r) => r.key).sort()).toEqual(['t/forever', 't/long'])
  })

  it('compare-and-swap: absent → value, value → value, mismatch refused, expired counts as absent', async () => {
    expect(await kv.cas(['c', '1'], undefined, { v: 1 })).toBe(true)
    expect(await kv.cas(['c', '1'], undefined, { v: 9 })).toBe(false)
    expect(await kv.cas(['c', '1'], { v: 2 }, { v: 3 })).toBe(false)
    expect(await kv.get(['c', '1'])).toEqual({ v: 1 })
    // Object key order does not matter: the stored text is canonical.
    await kv.set(['c', '2'], { a: 1, b: 2 })
    expect(await kv.cas(['c', '2'], { b: 2, a: 1 }, { a: 5 })).toBe(true)
    expect(await kv.get(['c', '2'])).toEqual({ a: 5 })
    await kv.set(['c', '3'], 'old', { ttl: Temporal.Duration.from({ seconds: 1 }) })
    clock.t += 1_000
    expect(await kv.cas(['c', '3'], 'old', 'new')).toBe(false)
    expect(await kv.cas(['c', '3'], undefined, 'new')).toBe(true)
    expect(await kv.get(['c', '3'])).toBe('new')
  })

  it('compare-and-swap under a race: exactly one of many writers wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => kv.cas(['race', 'x'], undefined, { writer: i })),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('lists by prefix, exact key included, neighbours and expired entries left out', async () => {
    await kv.set(['l', 'p'], 0)
    await kv.set(['l', 'p', '1'], 1)
    await kv.set(['l', 'p', '2', 'deep'], 2)
    await kv.set(['l', 'pq'], 'neighbour')
    await kv.set(['l', 'p', 'gone'], 'x', { ttl: Temporal.Duration.from({ seconds: 1 }) })
    clock.t += 1_000
    const seen: unknown[] = []
    for await (const entry of kv.list(['l', 'p'])) seen.push([entry.key, entry.value])
    expect(seen).toEqual([
      [['l', 'p'], 0],
      [['l', 'p', '1'], 1],
      [['l', 'p', '2', 'deep'], 2],
    ])
    let all = 0
    for await (const _ of kv.list()) all++
    expect(all).toBeGreaterThan(3)
  })

  it('lists more entries than one page holds', async () => {
    for (let i = 0; i < 1_100; i++) await kv.set(['many', String(i).padStart(4, '0')], i)
    let count = 0
    for await (const _ of kv.list(['many'])) count++
    expect(count).toBe(1_100)
  })
})
