import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClusterDatabase,
  type NodeProcess,
  setupCreator,
  startNodeProcesses,
} from '../_util/node-process.js'
import { deleteRedisKeys, redisAdmin, redisTestUrl, testRedisPrefix } from '../_util/redis.js'
import { type Frame, StreamClient } from '../_util/stream.js'

/**
 * Issue 7, item 3: scheduled posts publish and polls close exactly once with three nodes racing,
 * and still happen (once) when the node they were created on is killed before their time. Polls:
 * every node sweeps due polls from the database. Scheduled posts: delayed jobs on the BullMQ queue
 * plus a sweep on every node. Either way a conditional UPDATE lets exactly one through.
 */
const SLUG = 'three-nodes'

describe('scheduled posts and poll closing with three nodes on PostgreSQL and Redis [redis]', () => {
  let database: Awaited<ReturnType<typeof createClusterDatabase>>
  let admin: Redis
  let nodes: NodeProcess[] = []
  let token: string
  const prefix = testRedisPrefix('polls')

  beforeAll(async () => {
    database = await createClusterDatabase('polls')
    admin = await redisAdmin()
    const env = {
      ...database.env,
      BACKLOT_REDIS_URL: redisTestUrl,
      BACKLOT_REDIS_PREFIX: prefix,
      BACKLOT_STREAM_HEARTBEAT_SECONDS: '1',
    }
    nodes = await startNodeProcesses([{ env }, { env }, { env }])
    token = await setupCreator(nodes[0]!.url, 'pollster', SLUG)
  })

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill()))
    await deleteRedisKeys(admin, prefix)
    admin?.disconnect()
    await database?.drop()
  })

  async function createPoll(url: string, question: string, closesInMs: number): Promise<string> {
    const res = await fetch(`${url}/api/v1/channels/${SLUG}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        poll: {
          question,
          options: ['Rooftop', 'Harbour'],
          closesAt: new Date(Date.now() + closesInMs).toISOString(),
        },
      }),
    })
    const body = (await res.json()) as { id: string }
    if (res.status !== 201) throw new Error(`poll failed: ${res.status} ${JSON.stringify(body)}`)
    return body.id
  }

  async function schedulePost(url: string, text: string, inMs: number): Promise<string> {
    const res = await fetch(`${url}/api/v1/channels/${SLUG}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ text, publishAt: new Date(Date.now() + inMs).toISOString() }),
    })
    const body = (await res.json()) as { id: string; status: string }
    if (res.status !== 201 || body.status !== 'scheduled') {
      throw new Error(`scheduling failed: ${res.status} ${JSON.stringify(body)}`)
    }
    return body.id
  }

  /** How many events of `type` the channel's log holds for the post. */
  async function loggedEvents(type: string, postId: string): Promise<number> {
    await using db = await database.open()
    const rows = await db.db
      .selectFrom('channel_event')
      .select('seq')
      .where('type', '=', type)
      .where('post_id', '=', postId)
      .execute()
    return rows.length
  }
  const closedEvents = (postId: string) => loggedEvents('poll.closed', postId)
  const isEvent = (type: string, postId: string) => (f: Frame) =>
    f.type === 'event' && f.event.type === type && (f.event.data.postId ?? f.event.data.id) === postId

  /** Every node sweeps at least every 5 s: after this, any duplicate close would have happened. */
  const sweepInterval = () => new Promise((resolve) => setTimeout(resolve, 6_000))

  it('publishes a scheduled post once with all three nodes up', async () => {
    const watchers = await Promise.all(nodes.map((n) => StreamClient.open(n.url)))
    await Promise.all(watchers.map((w) => w.subscribeAndWait(SLUG)))
    const postId = await schedulePost(nodes[2]!.url, 'Embargoed: the finale wraps', 6_000)
    for (const watcher of watchers) await watcher.waitFor(isEvent('post.published', postId), 0, 60_000)
    await sweepInterval()
    expect(await loggedEvents('post.published', postId)).toBe(1)
    for (const watcher of watchers) {
      expect(watcher.frames.filter(isEvent('post.published', postId))).toHaveLength(1)
      await watcher.close()
    }
  })

  it('closes a poll once with all three nodes up', async () => {
    const watchers = await Promise.all(nodes.map((n) => StreamClient.open(n.url)))
    await Promise.all(watchers.map((w) => w.subscribeAndWait(SLUG)))
    const postId = await createPoll(nodes[1]!.url, 'Which set?', 6_000)
    for (const watcher of watchers) {
      await watcher.waitFor((f) => f.type === 'event' && f.event.type === 'poll.closed', 0, 60_000)
    }
    await sweepInterval()
    expect(await closedEvents(postId)).toBe(1)
    for (const watcher of watchers) {
      const closed = watcher.events(SLUG).filter((f) => f.event.type === 'poll.closed')
      expect(closed.map((f) => f.event.data.postId)).toEqual([postId])
      await watcher.close()
    }
  })

  it('publishes once and closes once when the node they were created on is killed before their time', async () => {
    const [survivorA, survivorB, doomed] = nodes as [NodeProcess, NodeProcess, NodeProcess]
    const watcher = await StreamClient.open(survivorA.url)
    await watcher.subscribeAndWait(SLUG)
    const scheduledId = await schedulePost(doomed.url, 'Embargoed: chapter 8 trailer', 6_000)
    const postId = await createPoll(doomed.url, 'Which ending?', 6_000)
    await doomed.kill()
    await watcher.waitFor(isEvent('post.published', scheduledId), 0, 60_000)
    await watcher.waitFor((f) => f.type === 'event' && f.event.type === 'poll.closed', 0, 60_000)
    await sweepInterval()
    expect(await closedEvents(postId)).toBe(1)
    expect(await loggedEvents('post.published', scheduledId)).toBe(1)
    expect(watcher.frames.filter(isEvent('post.published', scheduledId))).toHaveLength(1)
    const closed = watcher.events(SLUG).filter((f) => f.event.type === 'poll.closed')
    expect(closed.map((f) => f.event.data.postId)).toEqual([postId])
    const view = await fetch(`${survivorB.url}/api/v1/channels/${SLUG}/posts/${postId}`)
    expect(((await view.json()) as { poll: { closedAt: string | null } }).poll.closedAt).not.toBeNull()
    await watcher.close()
  })
})
