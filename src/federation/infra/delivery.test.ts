import { Create, Note } from '@fedify/vocab'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../test/_util/db.js'
import {
  type Canary,
  createRemoteInstance,
  eventually,
  type RemoteInstance,
  remoteHandler,
  type Served,
  serveFetch,
  startCanary,
} from '../../../test/_util/fedify.js'
import { createLocalInstance, type LocalInstance } from '../../../test/_util/fedify-local.js'
import { deleteRedisKeys, redisAdmin, testRedisSettings } from '../../../test/_util/redis.js'
import { type DatabaseHandle, openDatabase } from '../../db/database.js'
import { migrateToLatest } from '../../db/migrator.js'
import { createLogger } from '../../logger.js'
import { BullMqQueue } from '../../queue/bullmq-queue.js'

/**
 * Outgoing delivery (issue 18 part 2) through Fedify's sendActivity with Backlot's queue, loaders
 * and guarded client: shared-inbox batching, inboxes on the server's own network never dialled,
 * a gone instance given up on and held until it answers again, blocked instances never delivered
 * to, and (BullMQ) deliveries waiting in Redis surviving a restart.
 */
describe.each(testDatabases)('federation delivery on %s', (kind) => {
  let testDb: TestDatabase
  let handle: DatabaseHandle
  let remote: RemoteInstance
  let remoteServer: Served
  let canary: Canary
  let local: LocalInstance
  let n = 0

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    handle = await openDatabase(testDb.config)
    await migrateToLatest(handle.db)
    remote = await createRemoteInstance(['alice'])
    remoteServer = await serveFetch(remoteHandler(remote))
    canary = await startCanary()
    local = await createLocalInstance({ db: handle.db, loopbackPorts: [remoteServer.port] })
  })
  afterAll(async () => {
    await local?.close()
    await remoteServer?.close()
    await canary?.close()
    await handle?.close()
    await testDb?.drop()
  })

  const at = (host: string) => `http://${host}:${remoteServer.port}`
  const follower = (origin: string, name: string) => ({
    id: new URL(`${origin}/users/${name}`),
    inboxId: new URL(`${origin}/users/${name}/inbox`),
    endpoints: { sharedInbox: new URL(`${origin}/inbox`) },
  })
  async function send(recipients: ReturnType<typeof follower>[]): Promise<string> {
    const ctx = local.federation.createContext(new URL(local.origin), undefined)
    const id = `${local.origin}/posts/${++n}`
    await ctx.sendActivity(
      { identifier: 'channel' },
      recipients,
      new Create({
        id: new URL(`${id}#create`),
        actor: ctx.getActorUri('channel'),
        object: new Note({ id: new URL(id), content: `post ${n}` }),
      }),
      { preferSharedInbox: true },
    )
    return `${id}#create`
  }
  const postsOf = (activityId: string) => remote.inboxPosts.filter((p) => p.body.includes(activityId))

  it('batches followers by shared inbox: one delivery per instance, signed, through the guarded client', async () => {
    const recipients = [
      follower(at('one.test'), 'a'),
      follower(at('one.test'), 'b'),
      follower(at('one.test'), 'c'),
      follower(at('two.test'), 'd'),
    ]
    const id = await send(recipients)
    await eventually(() => postsOf(id).length === 2)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(
      postsOf(id)
        .map((p) => `${p.host}${p.path}`)
        .sort(),
    ).toEqual([`one.test:${remoteServer.port}/inbox`, `two.test:${remoteServer.port}/inbox`])
    expect(remoteServer.seen.some((s) => s.startsWith('POST one.test'))).toBe(true)
  })

  it('never dials an inbox on the server’s own network (canary stays at zero)', async () => {
    await send([
      follower(`http://127.0.0.1:${canary.port}`, 'x'),
      follower(`http://canary.test:${canary.port}`, 'y'),
      follower(`http://[::1]:${canary.port}`, 'z'),
    ])
    await eventually(async () => (await local.infra.health.get(`canary.test:${canary.port}`)) !== undefined)
    expect(canary.connections()).toBe(0)
  })

  it('gives up on an instance whose inbox answers 410, holds its deliveries, and resumes when it answers', async () => {
    const gone = at('gone.test')
    remote.inboxStatus = 410
    const first = await send([follower(gone, 'g')])
    await eventually(() => postsOf(first).length === 1)
    await eventually(
      async () => (await local.infra.health.get(`gone.test:${remoteServer.port}`))?.state === 'dead',
    )
    remote.inboxStatus = 202
    // Held: no connection while the probe is not due.
    const held = await send([follower(gone, 'g')])
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(postsOf(held)).toHaveLength(0)
    // The probe comes due: the next delivery goes out, and the instance is healthy again.
    await handle.db
      .updateTable('federation_instance')
      .set({ next_probe_at: 0 })
      .where('host', '=', `gone.test:${remoteServer.port}`)
      .execute()
    const probe = await send([follower(gone, 'g')])
    await eventually(() => postsOf(probe).length === 1)
    await eventually(
      async () => (await local.infra.health.get(`gone.test:${remoteServer.port}`))?.state === 'healthy',
    )
  })

  it('never delivers to a blocked instance or its subdomains', async () => {
    await local.infra.blocks.block('blocked.test', { actorId: null })
    const seenBefore = remoteServer.seen.length
    const id = await send([follower(at('blocked.test'), 'b'), follower(at('deep.blocked.test'), 'c')])
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(postsOf(id)).toHaveLength(0)
    expect(remoteServer.seen.slice(seenBefore).filter((s) => s.includes('blocked.test'))).toEqual([])
  })
})

describe('federation delivery survives a restart in cluster mode [redis]', () => {
  const settings = testRedisSettings('federation-delivery')
  let testDb: TestDatabase
  let handle: DatabaseHandle
  let remote: RemoteInstance
  let remoteServer: Served

  beforeAll(async () => {
    testDb = await createTestDatabase('sqlite')
    handle = await openDatabase(testDb.config)
    await migrateToLatest(handle.db)
    remote = await createRemoteInstance(['alice'])
    remoteServer = await serveFetch(remoteHandler(remote))
  })
  afterAll(async () => {
    await remoteServer?.close()
    await handle?.close()
    await testDb?.drop()
    const admin = await redisAdmin()
    await deleteRedisKeys(admin, settings.prefix)
    admin.disconnect()
  })

  it('a delivery queued on a node that stops is sent by the node that starts next', async () => {
    const origin = `http://survivor.test:${remoteServer.port}`
    // The first node queues a delivery and stops before any worker of it takes the job.
    const before = await createLocalInstance({
      db: handle.db,
      loopbackPorts: [remoteServer.port],
      startQueue: false,
      queue: new BullMqQueue(settings, createLogger('silent')),
    })
    const ctx = before.federation.createContext(new URL(before.origin), undefined)
    await ctx.sendActivity(
      { identifier: 'channel' },
      [{ id: new URL(`${origin}/users/s`), inboxId: new URL(`${origin}/users/s/inbox`), endpoints: null }],
      new Create({
        id: new URL(`${before.origin}/posts/restart#create`),
        actor: ctx.getActorUri('channel'),
        object: new Note({ id: new URL(`${before.origin}/posts/restart`), content: 'survives' }),
      }),
    )
    await before.close()
    expect(remote.inboxPosts).toHaveLength(0)
    // A new node on the same Redis and database takes the waiting jobs.
    const after = await createLocalInstance({
      db: handle.db,
      loopbackPorts: [remoteServer.port],
      queue: new BullMqQueue(settings, createLogger('silent')),
    })
    try {
      await eventually(() => remote.inboxPosts.some((p) => p.body.includes('posts/restart')), 20_000)
    } finally {
      await after.close()
    }
  })
})
