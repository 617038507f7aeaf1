import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

const WRITERS = 4
const POSTS_EACH = 25

/**
 * DESIGN "Channel event log": every visible change gets the channel's next sequence number in the
 * same transaction. Under concurrent writers the sequence must have no gap and no duplicate, or
 * resuming clients would miss or repeat events.
 */
describe.each(testDatabases)('channel event log on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(kind)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('numbers events 1..N without gaps or duplicates under concurrent writers', async () => {
    const ctx = server.ctx
    const owner = await seedAccount(ctx, 'owner')
    const channel = await seedChannel(ctx, owner.account, { slug: 'busy-set' })
    const writers = []
    for (let i = 0; i < WRITERS; i++) {
      const writer = await seedAccount(ctx, `unit${i}`)
      await seedMember(ctx, channel, writer.account, 'creator')
      writers.push(client(server.url, { token: writer.token }))
    }

    const responses = await Promise.all(
      writers.flatMap((writer, w) =>
        Array.from({ length: POSTS_EACH }, (_, i) =>
          writer.post('/api/v1/channels/busy-set/posts', { text: `unit ${w}, shot ${i}` }),
        ),
      ),
    )
    const n = WRITERS * POSTS_EACH
    expect(responses.map((r) => r.status)).toEqual(Array(n).fill(201))

    const events = await ctx.db
      .selectFrom('channel_event')
      .select(['seq', 'id', 'type', 'post_id'])
      .where('channel_id', '=', channel.id)
      .orderBy('seq', 'asc')
      .execute()
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    expect(new Set(events.map((e) => e.id)).size).toBe(n)
    expect(events.every((e) => e.type === 'post.published')).toBe(true)
    const postIds = new Set(responses.map((r) => r.body.id as string))
    expect(new Set(events.map((e) => e.post_id))).toEqual(postIds)

    const row = await ctx.db
      .selectFrom('channel')
      .select('last_seq')
      .where('id', '=', channel.id)
      .executeTakeFirstOrThrow()
    expect(row.last_seq).toBe(n)
    const posts = await ctx.db.selectFrom('post').select('id').where('channel_id', '=', channel.id).execute()
    expect(posts).toHaveLength(n)
  })
})
