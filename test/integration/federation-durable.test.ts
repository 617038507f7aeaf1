import { Follow, type Group } from '@fedify/vocab'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DELIVERY_QUEUE } from '../../src/federation/delivery.js'
import { InProcessQueue } from '../../src/queue/in-process-queue.js'
import type { AddResult, JobOptions } from '../../src/queue/queue.js'
import { client } from '../_util/client.js'
import { createTestDatabase, testDatabases } from '../_util/db.js'
import { type RemoteInstance, startRemoteInstance } from '../_util/remote-fediverse.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * Durable federation delivery (issue 18 part 2, DESIGN rule 5): a node whose enqueue fails after
 * a post committed (as a crash between commit and enqueue leaves it) loses nothing — the next start
 * replays the event log after the channel's federation cursor, and the remote instance receives the
 * Create exactly once.
 */
let remote: RemoteInstance

beforeAll(async () => {
  remote = await startRemoteInstance()
})
afterAll(() => remote?.close())

/** The queue of a node that dies between the commit and the enqueue of a federation delivery. */
class CrashingBeforeDelivery extends InProcessQueue {
  override async add<T>(name: string, data: T, options?: JobOptions): Promise<AddResult> {
    if (name === DELIVERY_QUEUE) throw new Error('node died before the enqueue')
    return super.add(name, data, options)
  }
}

async function eventually<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
) {
  for (let i = 0; i < 300; i++) {
    const value = await check()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('condition not reached')
}

describe.each(testDatabases)('durable federation delivery (%s)', (kind) => {
  const servers: TestServer[] = []
  const name = `dana-${kind}`
  const env = { BACKLOT_OUTBOUND_ALLOW_HTTP: 'true', BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS: '' }
  afterAll(async () => {
    for (const s of servers) await s.close().catch(() => {})
    await servers[0]?.database.drop()
  })

  const createsOf = (url: string) =>
    remote.received.filter((r) => r.type === 'Create' && JSON.stringify(r.json).includes(url))

  it('replays a delivery lost between commit and enqueue at the next start, exactly once', async () => {
    env.BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS = String(remote.port)
    const database = await createTestDatabase(kind)
    const first = await startTestServer(kind, {
      env,
      database,
      overrides: { queue: new CrashingBeforeDelivery() },
    })
    servers.push(first)
    const seeded = await seedAccount(first.ctx, 'owner')
    await seedChannel(first.ctx, seeded.account, { slug: 'set' })
    const ctx = remote.federation.createContext(new URL(remote.origin), undefined)
    const channel = (await ctx.lookupObject(`${first.url}/c/set`)) as Group
    await ctx.sendActivity(
      { identifier: name },
      channel,
      new Follow({
        id: new URL(`/${kind}/follows/1`, remote.origin),
        actor: remote.actorUri(name),
        object: channel.id,
      }),
    )
    await eventually(() => remote.received.find((r) => r.recipient === name && r.type === 'Accept'))

    const owner = client(first.url, { token: seeded.token })
    const res = await owner.post('/api/v1/channels/set/posts', { text: 'Call sheet for day 12' })
    expect(res.status).toBe(201)
    const postUrl = `${first.url}/c/set/p/${(res.body as { id: string }).id}`
    const position = async (db: TestServer['ctx']['db']) => {
      const row = await db
        .selectFrom('channel')
        .leftJoin('federation_cursor', 'federation_cursor.channel_id', 'channel.id')
        .select(['channel.last_seq', 'federation_cursor.seq'])
        .where('channel.slug', '=', 'set')
        .executeTakeFirstOrThrow()
      return { last: Number(row.last_seq), cursor: Number(row.seq ?? 0) }
    }
    const lost = await position(first.ctx.db)
    expect(lost.cursor).toBeLessThan(lost.last) // the lost enqueue did not move the cursor
    await first.close()
    expect(createsOf(postUrl)).toHaveLength(0)

    // The same node starts again on the same address and database, with a working queue.
    const second = await startTestServer(kind, {
      env: { ...env, BACKLOT_PORT: new URL(first.url).port },
      database,
    })
    servers.push(second)
    await eventually(() => createsOf(postUrl).length > 0)
    await eventually(async () => {
      const now = await position(second.ctx.db)
      return now.cursor === now.last
    })

    // The normal path moves the cursor along; nothing is replayed a second time.
    const later = await client(second.url, { token: seeded.token }).post('/api/v1/channels/set/posts', {
      text: 'Wrap',
    })
    const laterUrl = `${second.url}/c/set/p/${(later.body as { id: string }).id}`
    await eventually(() => createsOf(laterUrl).length > 0)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(createsOf(postUrl)).toHaveLength(1)
    expect(createsOf(laterUrl)).toHaveLength(1)
    const settled = await position(second.ctx.db)
    expect(settled.cursor).toBe(settled.last)
  })
})
