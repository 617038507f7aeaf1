import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClusterDatabase,
  type NodeProcess,
  setupCreator,
  startNodeProcesses,
} from '../_util/node-process.js'
import { deleteRedisKeys, redisAdmin, redisTestUrl, testRedisPrefix } from '../_util/redis.js'

/**
 * Issue 21 part 1: the batched interaction write path (src/interactions/group-commit.ts) loses no
 * acknowledged change. NEEDS PostgreSQL (127.0.0.1:5432, database `test`) AND Redis
 * (127.0.0.1:6379): two real server processes share one PostgreSQL schema and one Redis, as two
 * nodes of a cluster do.
 *
 * Many members change their reactions through both nodes at once; node B is killed with SIGKILL
 * mid-load while requests are in flight on it. Once quiet, for every member the stored reaction is
 * the one their last acknowledged request set (or, if a request was in flight on B when it died and
 * never answered, possibly that one: unacknowledged means "maybe"), there is one row per member per
 * post, and the post's public totals equal the rows. No timing assertions: the load runs for a fixed
 * number of requests per member, and B dies after a share of them.
 *
 * Redis is not restarted here: the write path is a per-process group commit answered after the
 * PostgreSQL commit, so Redis holds no interaction write (docs/scale.md says why).
 */
const SLUG = 'exact-reactions'
const MEMBERS = 120
const LOOPS = 40
const REQUESTS_PER_MEMBER = 30
const EMOJIS = ['❤️', '😂', '😮', '😢', '🔥', '👏']

type Change = string | null // an emoji, or null for "removed"

interface Sent {
  change: Change
  acked: boolean
}

const json = { 'content-type': 'application/json' }

async function registerMember(url: string, i: number): Promise<string> {
  const reg = await fetch(`${url}/api/v1/accounts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      handle: `member${i}`,
      displayName: `Member ${i}`,
      password: `member-password-${i}`,
    }),
  })
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${await reg.text()}`)
  const cookie = reg.headers.get('set-cookie')!.split(';')[0]!
  const join = await fetch(`${url}/api/v1/channels/${SLUG}/members`, {
    method: 'POST',
    headers: { ...json, cookie, 'x-backlot-csrf': '1' },
    body: '{}',
  })
  if (join.status !== 201) throw new Error(`join failed: ${join.status} ${await join.text()}`)
  return cookie
}

describe('reaction changes through two nodes, one killed mid-load, on PostgreSQL and Redis [redis]', () => {
  let database: Awaited<ReturnType<typeof createClusterDatabase>>
  let a: NodeProcess
  let b: NodeProcess
  let postId: string
  let cookies: string[] = []
  const prefix = testRedisPrefix('exact-reactions')

  beforeAll(async () => {
    database = await createClusterDatabase('exact_reactions')
    const env = { ...database.env, BACKLOT_REDIS_URL: redisTestUrl, BACKLOT_REDIS_PREFIX: prefix }
    ;[a, b] = (await startNodeProcesses([{ env }, { env }])) as [NodeProcess, NodeProcess]
    const token = await setupCreator(a.url, 'showrunner', SLUG)
    const post = await fetch(`${a.url}/api/v1/channels/${SLUG}/posts`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify({ text: 'The last chapter airs tonight.' }),
    })
    if (post.status !== 201) throw new Error(`post failed: ${post.status} ${await post.text()}`)
    postId = ((await post.json()) as { id: string }).id
    cookies = []
    for (let i = 0; i < MEMBERS; i += 20) {
      const batch = Array.from({ length: Math.min(20, MEMBERS - i) }, (_, k) => registerMember(a.url, i + k))
      cookies.push(...(await Promise.all(batch)))
    }
  }, 300_000)

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()])
    const admin = await redisAdmin()
    await deleteRedisKeys(admin, prefix)
    admin.disconnect()
    await database?.drop()
  }, 120_000)

  it('keeps every acknowledged change, one row per member, totals equal to the rows', async () => {
    const sent: Sent[][] = cookies.map(() => [])
    let requests = 0
    let bKilled: Promise<void> | undefined
    const killAfter = Math.floor((MEMBERS * REQUESTS_PER_MEMBER) / 3)
    const reactionPath = `/api/v1/channels/${SLUG}/posts/${postId}/reaction`

    // Each loop owns members i ≡ loop (mod LOOPS) and sends one request at a time, so one member's
    // requests are strictly ordered: the last acknowledged one must be what is stored.
    await Promise.all(
      Array.from({ length: LOOPS }, async (_, loop) => {
        for (let round = 0; round < REQUESTS_PER_MEMBER; round++) {
          for (let m = loop; m < MEMBERS; m += LOOPS) {
            const n = requests++
            if (n === killAfter) bKilled = b.kill()
            const node = bKilled === undefined && n % 2 === 1 ? b : a
            // Mostly set a different emoji; every seventh request removes the reaction.
            const change: Change = (round + m) % 7 === 6 ? null : EMOJIS[(round + m) % EMOJIS.length]!
            const entry: Sent = { change, acked: false }
            sent[m]!.push(entry)
            try {
              const res = await fetch(`${node.url}${reactionPath}`, {
                method: change === null ? 'DELETE' : 'PUT',
                headers:
                  change === null
                    ? { cookie: cookies[m]!, 'x-backlot-csrf': '1' }
                    : { ...json, cookie: cookies[m]!, 'x-backlot-csrf': '1' },
                body: change === null ? undefined : JSON.stringify({ emoji: change }),
              })
              await res.arrayBuffer()
              if (res.status !== 200 && res.status !== 204) {
                throw new Error(`unexpected ${res.status} from ${node === a ? 'A' : 'B'}`)
              }
              entry.acked = true
            } catch (error) {
              // Only node B's death may cost an answer; anything else fails the test.
              if (node !== b || bKilled === undefined) throw error
            }
          }
        }
      }),
    )
    await bKilled
    expect(requests).toBe(MEMBERS * REQUESTS_PER_MEMBER)

    await using check = await database.open()
    const rows = await check.db
      .selectFrom('post_reaction')
      .select(['account_id', 'emoji'])
      .where('post_id', '=', postId)
      .execute()
    const members = await check.db
      .selectFrom('account')
      .select(['id', 'handle'])
      .where('handle', 'like', 'member%')
      .execute()
    const idOf = new Map(members.map((r) => [r.handle, r.id]))
    const stored = new Map(rows.map((r) => [r.account_id, r.emoji]))

    // One row per member per post (the primary key says so; counted here all the same).
    expect(new Set(rows.map((r) => r.account_id)).size).toBe(rows.length)

    let unanswered = 0
    for (const [m, history] of sent.entries()) {
      const lastAcked = history.findLastIndex((s) => s.acked)
      const allowed = new Set<Change>([lastAcked === -1 ? null : history[lastAcked]!.change])
      for (const later of history.slice(lastAcked + 1)) {
        unanswered++
        allowed.add(later.change)
      }
      const actual = stored.get(idOf.get(`member${m}`)!) ?? null
      expect([...allowed], `member${m}: stored ${actual}`).toContain(actual)
    }
    // The kill happened mid-load: at most one request per loop was in flight on B.
    expect(unanswered).toBeLessThanOrEqual(LOOPS)

    // Totals on the API equal the rows, once quiet (counts are computed from the rows).
    const res = await fetch(`${a.url}/api/v1/channels/${SLUG}/posts/${postId}`, {
      headers: { cookie: cookies[0]! },
    })
    const view = (await res.json()) as {
      reactions: { counts: { emoji: string; count: number }[]; total: number }
    }
    const fromRows = new Map<string, number>()
    for (const r of rows) fromRows.set(r.emoji, (fromRows.get(r.emoji) ?? 0) + 1)
    for (const { emoji, count } of view.reactions.counts) expect(count, emoji).toBe(fromRows.get(emoji) ?? 0)
    expect(view.reactions.total).toBe(rows.length)
  }, 300_000)
})
