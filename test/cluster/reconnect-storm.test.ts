import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishPosts } from '../_util/events.js'
import {
  createClusterDatabase,
  type NodeProcess,
  setupCreator,
  startNodeProcesses,
  waitUntil,
} from '../_util/node-process.js'
import { deleteRedisKeys, redisAdmin, redisTestUrl, testRedisPrefix } from '../_util/redis.js'
import { ResumingSubscriber } from '../_util/resuming-stream.js'

/**
 * Issue 21 part 4: node B dies (kill -9) holding every subscriber while posts keep coming through
 * node A. They reconnect to A with full-jitter backoff, A sheds the storm into a ramp (a low
 * BACKLOT_STREAM_OPENS_PER_SECOND here, so some are refused with 503 and a Retry-After and come
 * back), and each resumes from its own last position: every subscriber ends with exactly the full
 * sequence, nothing missed, nothing doubled, no reset. PostgreSQL and Redis.
 */
const SLUG = 'storm'
const SUBSCRIBERS = 300
const BEFORE_KILL = 10
const AFTER_KILL = 30

describe('reconnect storm: two nodes on PostgreSQL and Redis, one killed [redis]', () => {
  let database: Awaited<ReturnType<typeof createClusterDatabase>>
  let admin: Redis
  let a: NodeProcess
  let b: NodeProcess
  let token: string
  const subscribers: ResumingSubscriber[] = []
  const prefix = testRedisPrefix('storm')

  beforeAll(async () => {
    database = await createClusterDatabase('storm')
    admin = await redisAdmin()
    const env = {
      ...database.env,
      BACKLOT_REDIS_URL: redisTestUrl,
      BACKLOT_REDIS_PREFIX: prefix,
      BACKLOT_CONNECTION_LIMIT_EXEMPT: '127.0.0.0/8,::1',
    }
    ;[a, b] = (await startNodeProcesses([
      { env: { ...env, BACKLOT_STREAM_OPENS_PER_SECOND: '20' } },
      { env },
    ])) as [NodeProcess, NodeProcess]
    token = await setupCreator(a.url, 'storm_runner', SLUG)
  })

  afterAll(async () => {
    for (const s of subscribers) s.close()
    await Promise.all([a?.stop(), b?.kill()])
    await deleteRedisKeys(admin, prefix)
    admin?.disconnect()
    await database?.drop()
  })

  it(`${SUBSCRIBERS} subscribers of a killed node resume on the other, each with exactly the full sequence`, async () => {
    // All on node B (node A, second in each list, is where they fail over to).
    for (let i = 0; i < SUBSCRIBERS; i++) subscribers.push(new ResumingSubscriber([b.url, a.url], SLUG))
    for (let i = 0; i < SUBSCRIBERS; i += 50) {
      await Promise.all(subscribers.slice(i, i + 50).map((s) => s.start()))
    }
    const joinedAt = subscribers[0]!.position!.seq
    expect(subscribers.every((s) => s.position!.seq === joinedAt)).toBe(true)

    const before = await publishPosts(a.url, token, SLUG, BEFORE_KILL)
    await waitUntil(
      () => subscribers.every((s) => s.seqs.length === BEFORE_KILL),
      'every subscriber got the posts before the kill',
    )
    // Posts keep coming while B dies and its subscribers storm A.
    const publishing = publishPosts(a.url, token, SLUG, AFTER_KILL)
    const killedAt = Date.now()
    await b.kill()
    const after = await publishing
    expect(before.length + after.length).toBe(BEFORE_KILL + AFTER_KILL)

    const expected = Array.from({ length: BEFORE_KILL + AFTER_KILL }, (_, i) => joinedAt + 1 + i)
    await waitUntil(
      () => subscribers.every((s) => s.seqs.length >= expected.length && s.subscribedAt > killedAt),
      'every subscriber resumed on node A and caught up',
      120_000,
    )
    for (const [i, s] of subscribers.entries()) {
      expect(s.seqs, `subscriber ${i}`).toEqual(expected)
      expect(s.resets, `subscriber ${i}`).toBe(0)
    }
    // Node A shed the storm: some were refused with 503 + Retry-After and came back.
    expect(subscribers.reduce((sum, s) => sum + s.refused, 0)).toBeGreaterThan(0)
  })
})
