import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '../_util/client.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  type InteractionWorld,
  interactionTables,
  postsPath,
  publish,
  seedInteractionWorld,
} from './interactions.fixture.js'

/**
 * Issue 4, bad input: each refused request answers its documented problem and changes nothing
 * (every interaction table and the event log are compared before and after).
 */
describe.each(testDatabases)('bad input to interactions on %s', (kind) => {
  let server: TestServer
  let w: InteractionWorld
  let banned: Client
  const ids = {} as Record<'text' | 'poll' | 'quiz' | 'closed' | 'prompt' | 'secret', string>
  beforeAll(async () => {
    server = await startTestServer(kind)
    w = await seedInteractionWorld(server)
    ids.text = (await publish(w.creator, { text: 'Plain text' })).id
    ids.poll = (await publish(w.creator, { poll: { question: 'Q', options: ['A', 'B', 'C'] } })).id
    ids.quiz = (
      await publish(w.creator, {
        poll: { question: 'Quiz', options: ['A', 'B'], quiz: { correctOption: 0 } },
      })
    ).id
    ids.closed = (await publish(w.creator, { poll: { question: 'Closed', options: ['A', 'B'] } })).id
    ids.prompt = (await publish(w.creator, { prompt: { question: 'Ask' } })).id
    ids.secret = (
      await publish(w.owner, { poll: { question: 'Private', options: ['A', 'B'] } }, 'writers-room')
    ).id
    await w.creator.post(`${postsPath()}/${ids.closed}/poll/close`)
    await w.fan.put(`${postsPath()}/${ids.quiz}/vote`, { options: [1] })
    await w.fan.post(`${postsPath()}/${ids.prompt}/answers`, { text: 'First' })
    // A member who reacted and voted, then was banned.
    const troll = await seedAccount(server.ctx, 'troll')
    await seedMember(server.ctx, w.channel, troll.account, null)
    banned = client(server.url, { token: troll.token })
    await banned.put(`${postsPath()}/${ids.text}/reaction`, { emoji: '🔥' })
    await banned.put(`${postsPath()}/${ids.poll}/vote`, { options: [0] })
    expect((await w.moderator.put('/api/v1/channels/set-diary/bans/troll', {})).status).toBe(200)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  async function expectRefused(
    send: () => Promise<{ status: number; headers: Headers; body: any }>,
    status: number,
    code: string,
  ) {
    const before = await interactionTables(server)
    const { status: got, headers, body } = await send()
    expect({ status: got, code: body.code }).toEqual({ status, code })
    expect(headers.get('content-type')).toContain('application/problem+json')
    expect(await interactionTables(server)).toEqual(before)
    return body
  }
  const at = (id: string, rest: string) => `${postsPath()}/${id}/${rest}`

  it('refuses an unknown emoji and reactions when they are off', async () => {
    const body = await expectRefused(
      () => w.fan.put(at(ids.text, 'reaction'), { emoji: '🦄' }),
      422,
      'reaction-not-allowed',
    )
    expect(body.allowed).toEqual(['❤️', '😂', '😮', '😢', '🔥', '👏'])
    await expectRefused(
      () => w.fan.put(at(ids.text, 'reaction'), { emoji: 'love' }),
      422,
      'reaction-not-allowed',
    )
    await server.ctx.db
      .updateTable('channel')
      .set({ reaction_set: '[]' })
      .where('id', '=', w.channel.id)
      .execute()
    await expectRefused(() => w.fan.put(at(ids.text, 'reaction'), { emoji: '🔥' }), 409, 'reactions-off')
    await server.ctx.db
      .updateTable('channel')
      .set({ reaction_set: null })
      .where('id', '=', w.channel.id)
      .execute()
  })

  it('refuses a vote on a text post, for option 99, and ballots that do not fit', async () => {
    await expectRefused(() => w.fan.put(at(ids.text, 'vote'), { options: [0] }), 409, 'not-a-poll')
    const body = await expectRefused(
      () => w.fan.put(at(ids.poll, 'vote'), { options: [99] }),
      422,
      'invalid-option',
    )
    expect(body.detail).toContain('99')
    await expectRefused(() => w.fan.put(at(ids.poll, 'vote'), { options: [0, 1] }), 422, 'invalid-option')
    await expectRefused(() => w.fan.put(at(ids.poll, 'vote'), { options: [] }), 422, 'validation')
    await expectRefused(() => w.fan.put(at(ids.poll, 'vote'), { options: [1, 1] }), 422, 'validation')
    await expectRefused(() => w.fan.put(at(ids.poll, 'vote'), { options: ['1'] }), 422, 'validation')
    await expectRefused(() => w.fan.put(at(ids.poll, 'vote'), { options: [-1] }), 422, 'validation')
    await expectRefused(() => w.fan.put(at(ids.closed, 'vote'), { options: [0] }), 409, 'poll-closed')
    await expectRefused(() => w.fan.put(at(ids.quiz, 'vote'), { options: [0] }), 409, 'vote-locked')
    await expectRefused(() => w.fan.delete(at(ids.quiz, 'vote')), 409, 'vote-locked')
  })

  it('refuses an answer to a non-prompt, a 10 KB answer, a blank one and a second one', async () => {
    await expectRefused(() => w.fan2.post(at(ids.text, 'answers'), { text: 'Hi' }), 409, 'not-a-prompt')
    await expectRefused(() => w.fan2.post(at(ids.poll, 'answers'), { text: 'Hi' }), 409, 'not-a-prompt')
    const big = await expectRefused(
      () => w.fan2.post(at(ids.prompt, 'answers'), { text: 'x'.repeat(10 * 1024) }),
      422,
      'validation',
    )
    expect(big.errors[0].field).toBe('/text')
    await expectRefused(() => w.fan2.post(at(ids.prompt, 'answers'), { text: '   ' }), 422, 'validation')
    await expectRefused(
      () => w.fan2.post(at(ids.prompt, 'answers'), { text: 'bell\u0007' }),
      422,
      'validation',
    )
    await expectRefused(
      () => w.fan2.post(at(ids.prompt, 'answers'), { text: 'x'.repeat(100 * 1024) }),
      413,
      'body-too-large',
    )
    await expectRefused(() => w.fan.post(at(ids.prompt, 'answers'), { text: 'Again' }), 409, 'answer-exists')
    await expectRefused(
      () => w.creator.put(at(ids.prompt, 'answers/01J00000000000000000000000/highlight')),
      404,
      'answer-not-found',
    )
  })

  it('refuses non-members, banned members and anonymous visitors', async () => {
    await expectRefused(() => w.outsider.put(at(ids.text, 'reaction'), { emoji: '🔥' }), 403, 'not-a-member')
    await expectRefused(() => w.outsider.put(at(ids.poll, 'vote'), { options: [0] }), 403, 'not-a-member')
    await expectRefused(() => w.outsider.post(at(ids.prompt, 'answers'), { text: 'Hi' }), 403, 'not-a-member')
    await expectRefused(() => banned.put(at(ids.text, 'reaction'), { emoji: '❤️' }), 403, 'banned')
    await expectRefused(() => banned.put(at(ids.poll, 'vote'), { options: [1] }), 403, 'banned')
    await expectRefused(() => banned.delete(at(ids.text, 'reaction')), 403, 'banned')
    await expectRefused(() => banned.post(at(ids.prompt, 'answers'), { text: 'Hi' }), 403, 'banned')
    await expectRefused(
      () => w.anonymous.put(at(ids.text, 'reaction'), { emoji: '🔥' }),
      401,
      'unauthenticated',
    )
    // A private channel does not exist for outsiders, whatever they try.
    await expectRefused(
      () => w.outsider.put(`/api/v1/channels/writers-room/posts/${ids.secret}/vote`, { options: [0] }),
      404,
      'channel-not-found',
    )
    await expectRefused(
      () => w.anonymous.post(`/api/v1/channels/writers-room/posts/${ids.secret}/views`),
      404,
      'channel-not-found',
    )
    // The banned member's earlier reaction and ballot no longer count.
    const view = (await w.fan.get(`${postsPath()}/${ids.text}`)).body
    expect(view.reactions.total).toBe(0)
    expect((await w.fan.get(`${postsPath()}/${ids.poll}`)).body.poll.totalVoters).toBe(0)
  })

  it("refuses unknown posts, another channel's post, wrong types and unknown fields", async () => {
    await expectRefused(
      () => w.fan.put(at('01J00000000000000000000000', 'reaction'), { emoji: '🔥' }),
      404,
      'post-not-found',
    )
    await expectRefused(() => w.owner.put(at(ids.secret, 'vote'), { options: [0] }), 404, 'post-not-found')
    await expectRefused(() => w.fan.post(at('nope', 'views')), 404, 'post-not-found')
    await expectRefused(() => w.fan.put(at(ids.text, 'reaction'), { emoji: 5 }), 422, 'validation')
    await expectRefused(
      () => w.fan.put(at(ids.text, 'reaction'), { emoji: '🔥', extra: 1 }),
      422,
      'validation',
    )
    await expectRefused(() => w.fan.put(at(ids.text, 'reaction'), '{"emoji":'), 400, 'malformed-json')
    await expectRefused(() => w.moderator.get(at(ids.prompt, 'answers?cursor=bogus')), 422, 'validation')
  })
})
