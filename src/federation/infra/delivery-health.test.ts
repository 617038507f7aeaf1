import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../test/_util/db.js'
import { type DatabaseHandle, openDatabase } from '../../db/database.js'
import { migrateToLatest } from '../../db/migrator.js'
import { createInstanceBlockService } from './blocks.js'
import { createDeliveryHealth } from './delivery-health.js'

const HOUR = 3_600_000

/** Issue 18 part 2: when an instance is given up on and when it is back; the block list's reach. */
describe.each(testDatabases)('delivery health and blocks on %s', (kind) => {
  let testDb: TestDatabase
  let handle: DatabaseHandle
  const clock = {
    t: 1_000_000_000,
    now() {
      return this.t
    },
  }

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    handle = await openDatabase(testDb.config)
    await migrateToLatest(handle.db)
  })
  afterAll(async () => {
    await handle?.close()
    await testDb?.drop()
  })

  it('is dead only after enough failures over the window; held until the probe; alive at the first answer', async () => {
    const health = createDeliveryHealth(handle.db, clock, {
      deadAfterFailures: 3,
      deadAfterMs: 2 * HOUR,
      probeIntervalMs: HOUR,
    })
    const host = 'flaky.example'
    for (let i = 0; i < 5; i++) await health.recordFailure(host, { status: 503, permanent: false })
    // Five failures within seconds: a restart, not a dead server.
    expect((await health.get(host))?.state).toBe('failing')
    expect(await health.holdFor(host)).toBeNull()
    clock.t += 2 * HOUR
    await health.recordFailure(host, { error: 'connect-timeout', permanent: false })
    expect(await health.get(host)).toMatchObject({ state: 'dead', consecutive_failures: 6 })
    expect(await health.holdFor(host)).toBe(HOUR)
    clock.t += HOUR
    // The probe is due: exactly one delivery gets it.
    expect([await health.holdFor(host), await health.holdFor(host)]).toEqual([null, HOUR])
    await health.recordAlive(host, 202)
    expect(await health.get(host)).toMatchObject({
      state: 'healthy',
      consecutive_failures: 0,
      dead_since: null,
    })
    expect(await health.holdFor(host)).toBeNull()
    expect(await health.listUnhealthy()).toEqual([])
  })

  it('gives up at once on an inbox that answers 410', async () => {
    const health = createDeliveryHealth(handle.db, clock)
    await health.recordFailure('gone.example', { status: 410, permanent: true })
    expect((await health.get('gone.example'))?.state).toBe('dead')
    expect((await health.listUnhealthy()).map((r) => r.host)).toContain('gone.example')
  })

  it('blocking runs the follower store’s removal in the same transaction; subdomains are covered, neighbours not', async () => {
    const removed: string[] = []
    const blocks = createInstanceBlockService({
      db: handle.db,
      clock,
      removeFollowers: async (tx, domain) => {
        // Inside the transaction: the block is already visible to it.
        expect(
          await tx
            .selectFrom('federation_block')
            .select('domain')
            .where('domain', '=', domain)
            .executeTakeFirst(),
        ).toBeDefined()
        removed.push(domain)
        return 0
      },
    })
    await blocks.block('Bad.Example.', { reason: ' r ', actorId: null })
    expect(removed).toEqual(['bad.example'])
    for (const host of ['bad.example', 'a.b.bad.example', 'BAD.example:443'])
      expect(await blocks.isBlocked(host)).toBe(true)
    for (const host of ['notbad.example', 'bad.example.org', 'example'])
      expect(await blocks.isBlocked(host)).toBe(false)
    await expect(blocks.block('127.0.0.1:80', { actorId: null })).rejects.toMatchObject({
      reason: 'instance-domain-invalid',
    })
    await expect(blocks.block('localhost', { actorId: null })).rejects.toMatchObject({
      reason: 'instance-domain-invalid',
    })
  })
})
