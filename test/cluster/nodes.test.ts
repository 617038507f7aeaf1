import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishPosts } from '../_util/events.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import {
  createClusterDatabase,
  type NodeProcess,
  setupCreator,
  startNodeProcesses,
  waitUntil,
} from '../_util/node-process.js'
import { deleteRedisKeys, redisAdmin, redisTestUrl, testRedisPrefix } from '../_util/redis.js'
import { startS3Server } from '../_util/s3-server.js'
import { type Frame, StreamClient } from '../_util/stream.js'
import { TcpProxy } from '../_util/tcp-proxy.js'

/**
 * Issue 7: two real server processes on one PostgreSQL schema and one Redis (DESIGN rule 1: the
 * database is the log, the bus only wakes nodes up). Node B reaches Redis through a proxy the test
 * controls, so its bus — and only its — can be cut.
 */
const SLUG = 'two-nodes'
const SUBSCRIBERS = 100

/** Event frames of the channel, checked to be consecutive (exactly once, in order) from `from`. */
function consecutiveEvents(frames: Frame[], from: number): Frame[] {
  const events = frames.filter((f) => f.type === 'event' && f.channel === SLUG)
  events.forEach((f, i) => {
    if (f.seq !== from + i) throw new Error(`expected seq ${from + i} at ${i}, got ${f.seq}`)
  })
  return events
}

describe('two nodes on PostgreSQL and Redis [redis]', () => {
  let database: Awaited<ReturnType<typeof createClusterDatabase>>
  let proxy: TcpProxy
  let s3: Awaited<ReturnType<typeof startS3Server>>
  let admin: Redis
  let a: NodeProcess
  let b: NodeProcess
  let token: string
  let subscribers: StreamClient[] = []
  /** Channel position the subscribers joined at. */
  let joinedAt = 0
  const prefix = testRedisPrefix('nodes')

  beforeAll(async () => {
    database = await createClusterDatabase('nodes')
    admin = await redisAdmin()
    const redis = new URL(redisTestUrl)
    proxy = await TcpProxy.start(redis.hostname, Number(redis.port || 6379))
    s3 = await startS3Server(['media'])
    const env = {
      ...database.env,
      BACKLOT_REDIS_PREFIX: prefix,
      BACKLOT_STREAM_HEARTBEAT_SECONDS: '1',
      ...s3.nodeEnv('media'),
    }
    ;[a, b] = (await startNodeProcesses([
      { env: { ...env, BACKLOT_REDIS_URL: redisTestUrl } },
      { env: { ...env, BACKLOT_REDIS_URL: `redis://127.0.0.1:${proxy.port}` } },
    ])) as [NodeProcess, NodeProcess]
    token = await setupCreator(a.url, 'showrunner', SLUG)
    subscribers = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => StreamClient.open(b.url)))
    const joined = await Promise.all(subscribers.map((s) => s.subscribeAndWait(SLUG)))
    joinedAt = joined[0]!.position.seq
  })

  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close().catch(() => undefined)))
    await Promise.all([a?.stop(), b?.kill()])
    await proxy?.close()
    await s3?.close()
    await deleteRedisKeys(admin, prefix)
    admin?.disconnect()
    await database?.drop()
  })

  it('100 subscribers on node B get 200 posts published through node A, each once and in order', async () => {
    const ids = await publishPosts(a.url, token, SLUG, 200)
    for (const subscriber of subscribers) {
      await subscriber.waitUntil(() => subscriber.events(SLUG).length >= 200, 60_000)
      const events = consecutiveEvents(subscriber.frames, joinedAt + 1)
      expect(events.map((f) => f.event.data.id)).toEqual(ids)
    }
  })

  it('with B’s bus cut, B’s subscribers still get all 100 posts from the database, without reconnecting', async () => {
    const before = subscribers[0]!.events(SLUG).length
    const bConnections = async () =>
      String(await admin.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes(`:${b.pid}:bus-`))
        .map((line) => /\bid=(\d+)/.exec(line)![1]!)
    expect(await bConnections()).toHaveLength(2)
    proxy.cut()
    for (const id of await bConnections()) await admin.call('CLIENT', 'KILL', 'ID', id)
    expect(await bConnections()).toEqual([])

    const ids = await publishPosts(a.url, token, SLUG, 100)
    // The bus is still cut: what B delivers now it read from the event log at its heartbeat.
    for (const subscriber of subscribers) {
      await subscriber.waitUntil(() => subscriber.events(SLUG).length >= before + 100, 60_000)
    }
    expect(await bConnections()).toEqual([])

    proxy.heal()
    await waitUntil(async () => (await bConnections()).length === 2, 'B reconnects to Redis')
    const [after] = await publishPosts(a.url, token, SLUG, 1)
    for (const subscriber of subscribers) {
      await subscriber.waitUntil(() => subscriber.events(SLUG).length >= before + 101, 60_000)
      const events = consecutiveEvents(subscriber.frames, joinedAt + 1)
      expect(events.slice(before).map((f) => f.event.data.id)).toEqual([...ids, after])
      expect(subscriber.frames.some((f) => f.type === 'reset' || f.type === 'error')).toBe(false)
      expect(subscriber.ws.readyState).toBe(subscriber.ws.OPEN)
    }
  })

  it('serves an image uploaded through node A from node B (media in the shared S3 store)', async () => {
    const upload = await uploadImage(a.url, token, await noisyJpeg(640, 480))
    expect(upload.status).toBe(201)
    const path = new URL(upload.body.originalUrl).pathname
    const auth = { authorization: `Bearer ${token}` }
    const fromA = await fetch(`${a.url}${path}`, { headers: auth })
    const fromB = await fetch(`${b.url}${path}`, { headers: auth })
    expect(fromA.status).toBe(200)
    expect(fromB.status).toBe(200)
    expect(Buffer.from(await fromB.arrayBuffer())).toEqual(Buffer.from(await fromA.arrayBuffer()))
  })

  it('is sticky-free: one Idempotency-Key sent to both nodes at once makes one post, and login throttling counts on both', async () => {
    const before = subscribers[0]!.events(SLUG).length
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const res = await fetch(`${(i % 2 ? a : b).url}/api/v1/channels/${SLUG}/posts`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'idempotency-key': 'both-nodes-1',
          },
          body: JSON.stringify({ text: 'Only once, whichever node' }),
        })
        return { status: res.status, id: ((await res.json()) as { id: string }).id }
      }),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201])
    expect(new Set(results.map((r) => r.id)).size).toBe(1)
    for (const subscriber of subscribers) {
      await subscriber.waitUntil(() => subscriber.events(SLUG).length >= before + 1, 60_000)
    }
    expect(
      subscribers[0]!
        .events(SLUG)
        .slice(before)
        .map((f) => f.event.data.id),
    ).toEqual([results[0]!.id])

    // BACKLOT_LOGIN_MAX_ATTEMPTS (10) failures, alternating nodes: the next attempt is refused on either.
    const login = (node: NodeProcess) =>
      fetch(`${node.url}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: node.url },
        body: JSON.stringify({ handle: 'showrunner', password: 'not-the-password' }),
      }).then((res) => res.status)
    const failures: number[] = []
    for (let i = 0; i < 10; i++) failures.push(await login(i % 2 ? a : b))
    expect(failures).toEqual(Array(10).fill(401))
    expect(await login(a)).toBe(429)
    expect(await login(b)).toBe(429)
  })

  it('when node B is killed, its subscribers resume on node A from their last sequence and miss nothing', async () => {
    const lastSeen = subscribers.map((s) => s.events(SLUG).at(-1)!)
    const total = lastSeen[0]!.seq
    await b.kill()
    await Promise.all(subscribers.map((s) => s.closed))
    const during = await publishPosts(a.url, token, SLUG, 30)

    const resumed = await Promise.all(subscribers.map(() => StreamClient.open(a.url)))
    await Promise.all(
      resumed.map((s, i) => s.subscribeAndWait(SLUG, { epoch: lastSeen[i]!.epoch, seq: lastSeen[i]!.seq })),
    )
    const later = await publishPosts(a.url, token, SLUG, 20)
    try {
      for (const [i, subscriber] of resumed.entries()) {
        await subscriber.waitUntil(() => subscriber.events(SLUG).length >= 50, 60_000)
        const events = consecutiveEvents(subscriber.frames, total + 1)
        expect(events.map((f) => f.event.data.id)).toEqual([...during, ...later])
        expect(lastSeen[i]!.seq).toBe(total)
      }
    } finally {
      subscribers = [...subscribers, ...resumed]
    }
  })
})
