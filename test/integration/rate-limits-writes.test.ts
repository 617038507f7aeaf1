import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedMember } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'
import { type InteractionWorld, postsPath, seedInteractionWorld } from './interactions.fixture.js'
import { clientAt, countRows, expectRateLimited, startLimitedServer } from './rate-limits.fixture.js'

/**
 * Issue 14, item 5: channel creation, posting, reactions, votes and answers stop at their limits;
 * a refused request changes nothing. Reactions, votes and answers run on their defaults.
 */
describe.each(testDatabases)('rate limits on writes (%s)', (kind) => {
  let server: TestServer
  let w: InteractionWorld

  beforeAll(async () => {
    server = await startLimitedServer(kind, {
      BACKLOT_RATE_LIMIT_CHANNEL_CREATE: '2/1d',
      BACKLOT_RATE_LIMIT_POSTS: '3/10m',
    })
    w = await seedInteractionWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  /** A post made through the service (setup, not under test: no HTTP, no limit). */
  async function seedPost(input: Record<string, unknown>) {
    const { post } = await server.ctx.posts.create(w.accounts.creator.account.id, 'set-diary', input as never)
    return post.id as string
  }

  it('stops channel creation per account (60 from one account was spam); another account still creates', async () => {
    const spammer = await seedAccount(server.ctx, 'spammer')
    const api = clientAt(server, '203.0.113.20', spammer.token)
    const create = (slug: string) => api.post('/api/v1/channels', { slug, title: slug })
    expect((await create('spam-one')).status).toBe(201)
    expect((await create('spam-two')).status).toBe(201)
    const channels = await countRows(server, 'channel')
    const refused = await create('spam-three')
    expectRateLimited(refused, /^Too many new channels: at most 2 per day\./)
    expect(refused.body.retryAfterSeconds).toBeGreaterThan(86_000)
    expect(await countRows(server, 'channel')).toBe(channels)

    const other = await seedAccount(server.ctx, 'honest')
    expect(
      (
        await clientAt(server, '203.0.113.20', other.token).post('/api/v1/channels', {
          slug: 'honest-show',
          title: 'Honest',
        })
      ).status,
    ).toBe(201)
  })

  it('stops posting per account; the refused post is not published and appends no event', async () => {
    const creator = clientAt(server, '203.0.113.21', w.accounts.creator.token)
    for (let i = 0; i < 3; i++)
      expect((await creator.post(postsPath(), { text: `Take ${i}` })).status).toBe(201)
    const [posts, events] = [await countRows(server, 'post'), await countRows(server, 'channel_event')]
    const refused = await creator.post(postsPath(), { text: 'Take 4' }, { 'idempotency-key': 'take-4' })
    expectRateLimited(refused, /^Too many posts: at most 3 per 10 minutes\./)
    expect([await countRows(server, 'post'), await countRows(server, 'channel_event')]).toEqual([
      posts,
      events,
    ])
    const owner = clientAt(server, '203.0.113.21', w.accounts.owner.token)
    expect((await owner.post(postsPath(), { text: 'From the owner' })).status).toBe(201)
  })

  it('stops a fan toggling a reaction 1,000 times at 60 a minute, keeping the last accepted state', async () => {
    const postId = await seedPost({ text: 'Day 41 on set' })
    const fan = clientAt(server, '203.0.113.22', w.accounts.fan.token)
    const path = `${postsPath()}/${postId}/reaction`
    const statuses: number[] = []
    for (let i = 0; i < 1000; i++) {
      const res = i % 2 === 0 ? await fan.put(path, { emoji: '🔥' }) : await fan.delete(path)
      statuses.push(res.status)
      if (i === 60) expectRateLimited(res, /^Too many reactions: at most 60 per minute\./)
      // Refused requests count too: past 10 × 60 the whole address waits.
      if (i === 999) expectRateLimited(res, /^Too many reactions from this address: at most 600 per minute\./)
    }
    expect(statuses.filter((s) => s !== 429)).toHaveLength(60)
    expect(statuses.slice(60).every((s) => s === 429)).toBe(true)
    // The 60th change (a removal) was the last one applied.
    const reactions = await server.ctx.db
      .selectFrom('post_reaction')
      .selectAll()
      .where('post_id', '=', postId)
      .execute()
    expect(reactions).toEqual([])
    // Another fan reacts as usual.
    expect(
      (await clientAt(server, '203.0.113.23', w.accounts.fan2.token).put(path, { emoji: '🔥' })).status,
    ).toBe(200)
  })

  it('stops votes at 30 a minute per account', async () => {
    const postId = await seedPost({ poll: { question: 'Finale set?', options: ['Rooftop', 'Harbour'] } })
    const fan = clientAt(server, '203.0.113.24', w.accounts.fan2.token)
    const vote = (option: number) => fan.put(`${postsPath()}/${postId}/vote`, { options: [option] })
    for (let i = 0; i < 30; i++) expect((await vote(i % 2)).status).toBe(200)
    expectRateLimited(await vote(0), /^Too many votes: at most 30 per minute\./)
    const ballots = await server.ctx.db
      .selectFrom('poll_ballot')
      .selectAll()
      .where('post_id', '=', postId)
      .execute()
    expect(ballots.map((b) => b.choices)).toEqual([0b10])
  })

  it('stops answers at 10 a minute per member across prompts', async () => {
    const prompts = []
    for (let i = 0; i < 11; i++) prompts.push(await seedPost({ prompt: { question: `Q${i}` } }))
    const chatty = await seedAccount(server.ctx, 'chatty')
    await seedMember(server.ctx, w.channel, chatty.account, null)
    const fan = clientAt(server, '203.0.113.25', chatty.token)
    const answer = (id: string) => fan.post(`${postsPath()}/${id}/answers`, { text: 'hi' })
    for (const id of prompts.slice(0, 10)) expect((await answer(id)).status).toBe(201)
    expectRateLimited(await answer(prompts[10]!), /^Too many answers: at most 10 per minute\./)
    const stored = await server.ctx.db
      .selectFrom('prompt_answer')
      .selectAll()
      .where('account_id', '=', chatty.account.id)
      .execute()
    expect(stored).toHaveLength(10)
  })
})
