import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishPost } from '../_util/events.js'
import {
  createClusterDatabase,
  type NodeProcess,
  setupCreator,
  startNodeProcesses,
  waitUntil,
} from '../_util/node-process.js'
import { deleteRedisKeys, redisAdmin, redisTestUrl, testRedisPrefix } from '../_util/redis.js'

/**
 * Issue 21 part 2: hot public reads (post page, channel page, feeds, oEmbed, the API's GET of a
 * post) are served from each process's memory, keyed by the channel's event-log position, and an
 * edit or a deletion made on one node reaches every surface of every node — a deleted post never
 * served again, its validators changed. Two real server processes on PostgreSQL and Redis.
 */
const SLUG = 'hot-show'
const OLD = 'the original line of the hot post'
const NEW = 'the corrected line of the hot post'

interface Read {
  status: number
  body: string
  etag: string | null
}

async function read(url: string, headers: Record<string, string> = {}): Promise<Read> {
  const res = await fetch(url, { headers })
  return { status: res.status, body: await res.text(), etag: res.headers.get('etag') }
}

/** Every public surface that shows the post, as an anonymous reader of `node` sees it. */
function surfaces(node: NodeProcess, postId: string): Record<string, string> {
  const page = `${node.url}/c/${SLUG}/p/${postId}`
  return {
    page,
    channel: `${node.url}/c/${SLUG}`,
    rss: `${node.url}/c/${SLUG}/feed.rss`,
    atom: `${node.url}/c/${SLUG}/feed.atom`,
    json: `${node.url}/c/${SLUG}/feed.json`,
    oembed: `${node.url}/oembed?url=${encodeURIComponent(page)}`,
    api: `${node.url}/api/v1/channels/${SLUG}/posts/${postId}`,
  }
}

/** Surfaces of the post alone: gone means 404 there; the channel's lists just stop showing it. */
const POST_SURFACES = new Set(['page', 'oembed', 'api'])

describe('hot reads on two nodes, PostgreSQL and Redis [redis]', () => {
  let database: Awaited<ReturnType<typeof createClusterDatabase>>
  let admin: Redis
  let nodes: NodeProcess[] = []
  let token: string
  let postId: string
  const prefix = testRedisPrefix('hot-reads')
  /** What each surface of each node answered while the post was fresh: its bytes and validators. */
  const before = new Map<string, Read>()

  beforeAll(async () => {
    database = await createClusterDatabase('hotreads')
    admin = await redisAdmin()
    const env = { ...database.env, BACKLOT_REDIS_URL: redisTestUrl, BACKLOT_REDIS_PREFIX: prefix }
    nodes = await startNodeProcesses([{ env }, { env }])
    token = await setupCreator(nodes[0]!.url, 'hot_showrunner', SLUG)
    postId = (await publishPost(nodes[0]!.url, token, SLUG, OLD)).id
  })

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
    await deleteRedisKeys(admin, prefix)
    admin?.disconnect()
    await database?.drop()
  })

  it('serves the hot post on every surface of both nodes, the same bytes on repeated reads', async () => {
    for (const [n, node] of nodes.entries()) {
      for (const [surface, url] of Object.entries(surfaces(node, postId))) {
        // Published on node A a moment ago: node B shows it once the position reached it.
        await waitUntil(async () => (await read(url)).body.includes(OLD), `${surface} on node ${n}`, 10_000)
        const first = await read(url)
        const again = await read(url)
        expect(first.status, `${surface} on node ${n}`).toBe(200)
        expect(again.etag).toBe(first.etag)
        // Pages, feeds and oEmbed carry validators (CDN-facing); the JSON API does not.
        if (surface !== 'api') expect(first.etag, `${surface} on node ${n}`).not.toBeNull()
        before.set(`${n}|${surface}`, first)
      }
    }
  })

  it('an edit on node A shows on every surface of node B (and A), with new validators', async () => {
    const res = await fetch(`${nodes[0]!.url}/api/v1/channels/${SLUG}/posts/${postId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ text: NEW }),
    })
    expect(res.status).toBe(200)
    for (const n of [1, 0]) {
      for (const [surface, url] of Object.entries(surfaces(nodes[n]!, postId))) {
        await waitUntil(
          async () => (await read(url)).body.includes(NEW),
          `edit: ${surface} on node ${n}`,
          10_000,
        )
        const now = await read(url)
        expect(now.body, `${surface} on node ${n}`).not.toContain(OLD)
        const old = before.get(`${n}|${surface}`)!.etag
        if (old === null) continue
        expect(now.etag).not.toBe(old)
        // A client holding the old validator gets the new bytes, not 304.
        const revalidated = await read(url, { 'if-none-match': old })
        expect(revalidated.status, `${surface} on node ${n}`).toBe(200)
      }
    }
  })

  it('a deletion on node A is 404 on every post surface of both nodes and gone from every list, never served again', async () => {
    const res = await fetch(`${nodes[0]!.url}/api/v1/channels/${SLUG}/posts/${postId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(204)
    const isGone = (surface: string, r: Read) =>
      (POST_SURFACES.has(surface) ? r.status === 404 || r.status === 410 : r.status === 200) &&
      !r.body.includes(NEW) &&
      !r.body.includes(OLD)
    for (const n of [1, 0]) {
      for (const [surface, url] of Object.entries(surfaces(nodes[n]!, postId))) {
        await waitUntil(
          async () => isGone(surface, await read(url)),
          `delete: ${surface} on node ${n}`,
          10_000,
        )
      }
    }
    // From here on, no read of either node — plain or with any validator it handed out — brings
    // the post back.
    for (let round = 0; round < 10; round++) {
      for (const n of [0, 1]) {
        for (const [surface, url] of Object.entries(surfaces(nodes[n]!, postId))) {
          const plain = await read(url)
          expect(isGone(surface, plain), `${surface} on node ${n}, round ${round}`).toBe(true)
          const etag = before.get(`${n}|${surface}`)!.etag
          if (etag === null) continue
          const conditional = await read(url, { 'if-none-match': etag })
          expect(conditional.status, `${surface} on node ${n} with the old ETag`).not.toBe(304)
          if (plain.etag) expect(plain.etag).not.toBe(etag)
        }
      }
    }
  })
})
