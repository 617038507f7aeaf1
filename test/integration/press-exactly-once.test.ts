import { describe, expect, it } from 'vitest'
import { createTestDatabase, testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { pressServerEnv } from './press.fixture.js'

const soon = (ms: number) => new Date(Date.now() + ms).toISOString()
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function eventsOf(server: TestServer, postId: string) {
  return server.ctx.db.selectFrom('channel_event').select('type').where('post_id', '=', postId).execute()
}

async function waitForStatus(server: TestServer, postId: string, status: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const row = await server.ctx.db
      .selectFrom('post')
      .select('status')
      .where('id', '=', postId)
      .executeTakeFirst()
    if (row?.status === status) return
    if (Date.now() > deadline) throw new Error(`post ${postId} still ${row?.status}`)
    await wait(100)
  }
}

/**
 * Issue 6: a scheduled post is published exactly once — after downtime across its time (late, on
 * start-up) and with two servers on one database racing for it.
 */
describe.each(testDatabases)('publishing exactly once (%s)', (kind) => {
  it('publishes on start-up what came due while the server was down, marked late', async () => {
    const database = await createTestDatabase(kind)
    const first = await startTestServer(kind, { database, env: pressServerEnv })
    let second: TestServer | undefined
    try {
      const owner = await seedAccount(first.ctx, 'owner')
      await seedChannel(first.ctx, owner.account, { slug: 'late-show' })
      const publishAt = soon(4000)
      const res = await fetch(`${first.url}/api/v1/channels/late-show/posts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'while you were out', publishAt }),
      })
      const post = (await res.json()) as { id: string }
      expect(res.status).toBe(201)
      await first.close()
      await wait(Math.max(0, Date.parse(publishAt) - Date.now()) + 300)
      // The second start runs a minute "later" than the first: well past the grace for lateness.
      const clock = { now: () => Date.now() + 60_000 }
      second = await startTestServer(kind, { database, env: pressServerEnv, overrides: { clock } })
      const row = await second.ctx.db
        .selectFrom('post')
        .selectAll()
        .where('id', '=', post.id)
        .executeTakeFirstOrThrow()
      expect(row.status).toBe('published')
      expect(await eventsOf(second, post.id)).toEqual([{ type: 'post.published' }])
      const view = await fetch(`${second.url}/api/v1/channels/late-show/posts/${post.id}`)
      expect(await view.json()).toMatchObject({ status: 'published', publishedLate: true })
    } finally {
      await second?.close()
      await database.drop()
    }
  })

  it('publishes once with two servers on one database racing for the same posts', async () => {
    const database = await createTestDatabase(kind)
    const a = await startTestServer(kind, { database, env: pressServerEnv })
    let b: TestServer | undefined
    try {
      const owner = await seedAccount(a.ctx, 'owner')
      await seedChannel(a.ctx, owner.account, { slug: 'two-nodes' })
      // Ahead enough for the posts to be created on a busy machine. Whether B starts before or after
      // this moment, it contends: with its own queued job, or with its start-up sweep.
      const publishAt = soon(8000)
      const ids: string[] = []
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${a.url}/api/v1/channels/two-nodes/posts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text: `race ${i}`, publishAt }),
        })
        const body = (await res.json()) as { id: string }
        expect(res.status, JSON.stringify(body)).toBe(201)
        ids.push(body.id)
      }
      // Started after the posts exist: its start-up sweep queues its own job for each of them.
      b = await startTestServer(kind, { database, env: pressServerEnv })
      for (const id of ids) await waitForStatus(a, id, 'published', 30_000)
      // Both nodes' jobs and a sweep on each have had their chance.
      await Promise.all([a.ctx.scheduler.sweep(), b.ctx.scheduler.sweep()])
      await wait(300)
      for (const id of ids) expect(await eventsOf(a, id)).toEqual([{ type: 'post.published' }])
      const channel = await a.ctx.db
        .selectFrom('channel')
        .select('last_seq')
        .where('slug', '=', 'two-nodes')
        .executeTakeFirstOrThrow()
      expect(channel.last_seq).toBe(ids.length)
    } finally {
      await b?.close()
      await a.close()
      await database.drop()
    }
  })
})
