import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { createTestDatabase, testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  eventsOfType,
  type InteractionWorld,
  postsPath,
  publish,
  seedInteractionWorld,
} from './interactions.fixture.js'

/** A clock tests can move forward; the server reads it through the `clock` override. */
function movableClock() {
  let offset = 0
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms
    },
  }
}

const votes = (poll: { options: { votes: number | null }[] }) => poll.options.map((o) => o.votes)

/** Issue 4, polls and quizzes. */
describe.each(testDatabases)('polls on %s', (kind) => {
  let server: TestServer
  let w: InteractionWorld
  const clock = movableClock()
  beforeAll(async () => {
    server = await startTestServer(kind, { overrides: { clock } })
    w = await seedInteractionWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  const vote = (as: typeof w.fan, id: string, options: number[]) =>
    as.put(`${postsPath()}/${id}/vote`, { options })

  it('publishes a poll post with the poll in the view and in post.published', async () => {
    const post = await publish(w.creator, {
      text: 'Finale poll',
      poll: { question: 'Which set for the finale?', options: ['Rooftop', ' Harbour ', 'Forest'] },
    })
    expect(post.kind).toBe('poll')
    expect(post.poll).toMatchObject({
      question: 'Which set for the finale?',
      options: [
        { text: 'Rooftop', votes: 0 },
        { text: 'Harbour', votes: 0 },
        { text: 'Forest', votes: 0 },
      ],
      multiple: false,
      quiz: false,
      resultsVisible: true,
      totalVoters: 0,
      closed: false,
      myVote: null,
    })
    const [event] = (await eventsOfType(server, w.channel, 'post.published')).filter(
      (e) => e.post_id === post.id,
    )
    expect(event!.data.poll.question).toBe('Which set for the finale?')
    // A poll may go without a caption.
    const bare = await publish(w.creator, {
      poll: { question: 'Coffee or tea?', options: ['Coffee', 'Tea'] },
    })
    expect(bare.text).toBe('')
  })

  it('takes one option in a single-choice poll and several in a multiple-choice one; ballots change', async () => {
    const single = await publish(w.creator, { poll: { question: 'One?', options: ['A', 'B', 'C'] } })
    expect((await vote(w.fan, single.id, [0, 1])).body.code).toBe('invalid-option')
    const first = await vote(w.fan, single.id, [1])
    expect(first.status).toBe(200)
    expect(first.body.poll).toMatchObject({ myVote: [1], totalVoters: 1 })
    expect(votes(first.body.poll)).toEqual([0, 1, 0])
    await vote(w.fan2, single.id, [1])
    const changed = await vote(w.fan, single.id, [2])
    expect(votes(changed.body.poll)).toEqual([0, 1, 1])
    expect(changed.body.poll.totalVoters).toBe(2)
    const withdrawn = await w.fan2.delete(`${postsPath()}/${single.id}/vote`)
    expect(withdrawn.body.poll).toMatchObject({ myVote: null, totalVoters: 1 })

    const multi = await publish(w.creator, {
      poll: { question: 'Many?', options: ['A', 'B', 'C'], multiple: true },
    })
    const both = await vote(w.fan, multi.id, [0, 2])
    expect(both.body.poll).toMatchObject({ myVote: [0, 2], totalVoters: 1, multiple: true })
    expect(votes(both.body.poll)).toEqual([1, 0, 1])
    expect(votes((await vote(w.fan, multi.id, [1])).body.poll)).toEqual([0, 1, 0])
    // Other fans see the counts, never who voted for what.
    const seen = (await w.fan2.get(`${postsPath()}/${multi.id}`)).body.poll
    expect(seen).toMatchObject({ myVote: null, totalVoters: 1 })
    expect(votes(seen)).toEqual([0, 1, 0])
  })

  it('locks a quiz answer and reveals the correct option and explanation only after voting', async () => {
    const quiz = await publish(w.creator, {
      poll: {
        question: 'Which chapter was shot first?',
        options: ['Chapter 1', 'Chapter 8'],
        quiz: { correctOption: 1, explanation: 'The finale was shot in week 1.' },
      },
    })
    const before = (await w.fan.get(`${postsPath()}/${quiz.id}`)).body.poll
    expect(before).toMatchObject({ quiz: true, correctOption: null, explanation: null })
    const voted = await vote(w.fan, quiz.id, [0])
    expect(voted.body.poll).toMatchObject({
      myVote: [0],
      correctOption: 1,
      explanation: 'The finale was shot in week 1.',
    })
    expect((await vote(w.fan, quiz.id, [0])).status).toBe(200)
    expect((await vote(w.fan, quiz.id, [1])).body.code).toBe('vote-locked')
    expect((await w.fan.delete(`${postsPath()}/${quiz.id}/vote`)).body.code).toBe('vote-locked')
    const ballot = await server.ctx.db
      .selectFrom('poll_ballot')
      .selectAll()
      .where('post_id', '=', quiz.id)
      .execute()
    expect(ballot.map((b) => b.choices)).toEqual([1])
    // Another fan who has not voted still does not see the answer.
    expect((await w.fan2.get(`${postsPath()}/${quiz.id}`)).body.poll.correctOption).toBeNull()
  })

  it('hides results until close when so configured; staff see the totals meanwhile', async () => {
    const closesAt = new Date(clock.now() + 60_000).toISOString()
    const post = await publish(w.creator, {
      poll: { question: 'Secret?', options: ['Yes', 'No'], closesAt, resultsVisibility: 'after-close' },
    })
    const after = await vote(w.fan, post.id, [0])
    expect(after.body.poll).toMatchObject({ resultsVisible: false, totalVoters: 1, myVote: [0] })
    expect(votes(after.body.poll)).toEqual([null, null])
    expect((await w.owner.get(`${postsPath()}/${post.id}/stats`)).body.poll).toEqual({
      totalVoters: 1,
      votes: [1, 0],
      closed: false,
    })

    clock.advance(61_000)
    // Past its time the poll is closed even before the closer runs: votes are refused.
    expect((await vote(w.fan2, post.id, [1])).body.code).toBe('poll-closed')
    await server.ctx.interactions.closeDuePolls()
    const closed = (await w.fan2.get(`${postsPath()}/${post.id}`)).body.poll
    expect(closed).toMatchObject({ closed: true, resultsVisible: true, closedAt: closesAt })
    expect(votes(closed)).toEqual([1, 0])
    const events = (await eventsOfType(server, w.channel, 'poll.closed')).filter((e) => e.post_id === post.id)
    expect(events).toHaveLength(1)
    expect(votes(events[0]!.data.poll)).toEqual([1, 0])
  })

  it('logs poll.closed once when several closers race, and lets the author close early', async () => {
    const post = await publish(w.creator, { poll: { question: 'Now?', options: ['Yes', 'No'] } })
    const close = () => w.creator.post(`${postsPath()}/${post.id}/poll/close`)
    const results = await Promise.all([close(), close(), close(), server.ctx.interactions.closeDuePolls()])
    expect(results.slice(0, 3).every((r) => typeof r !== 'number' && r.status === 200)).toBe(true)
    expect(
      (await eventsOfType(server, w.channel, 'poll.closed')).filter((e) => e.post_id === post.id),
    ).toHaveLength(1)
    expect((await vote(w.fan, post.id, [0])).body.code).toBe('poll-closed')
    expect((await w.fan.post(`${postsPath()}/${post.id}/poll/close`)).body.code).toBe('not-allowed')
  })

  it('refuses bad polls at creation', async () => {
    const bad = async (poll: Record<string, unknown>) => {
      const res = await w.creator.post(postsPath(), { poll })
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'validation' })
      return res.body.errors[0].field
    }
    const options = ['A', 'B']
    expect(await bad({ question: 'Q', options: ['A'] })).toBe('/poll/options')
    expect(await bad({ question: 'Q', options: Array.from({ length: 13 }, (_, i) => `${i}`) })).toBe(
      '/poll/options',
    )
    expect(await bad({ question: 'x'.repeat(301), options })).toBe('/poll/question')
    expect(await bad({ question: '  ', options })).toBe('/poll/question')
    expect(await bad({ question: 'Q', options: ['A', 'A '] })).toBe('/poll/options/1')
    expect(await bad({ question: 'Q', options, closesAt: new Date(clock.now() - 1000).toISOString() })).toBe(
      '/poll/closesAt',
    )
    expect(await bad({ question: 'Q', options, quiz: { correctOption: 2 } })).toBe('/poll/quiz/correctOption')
    expect(await bad({ question: 'Q', options, multiple: true, quiz: { correctOption: 0 } })).toBe(
      '/poll/multiple',
    )
    expect(await bad({ question: 'Q', options, resultsVisibility: 'never' })).toBe('/poll/resultsVisibility')
    const both = await w.creator.post(postsPath(), {
      poll: { question: 'Q', options },
      prompt: { question: 'Q' },
    })
    expect(both.body.code).toBe('validation')
  })
})

describe.each(testDatabases)('poll closing across restarts on %s', (kind) => {
  it('closes a poll whose time passed while the server was down, with exactly one poll.closed', async () => {
    const database = await createTestDatabase(kind)
    const clock = movableClock()
    let server = await startTestServer(kind, { database, overrides: { clock } })
    try {
      const w = await seedInteractionWorld(server)
      const closesAt = new Date(clock.now() + 60_000).toISOString()
      const post = await publish(w.creator, {
        poll: {
          question: 'Before the break?',
          options: ['Yes', 'No'],
          closesAt,
          resultsVisibility: 'after-close',
        },
      })
      await w.fan.put(`${postsPath()}/${post.id}/vote`, { options: [1] })
      await server.close()

      clock.advance(120_000)
      server = await startTestServer(kind, { database, overrides: { clock } })
      const row = await server.ctx.db
        .selectFrom('poll')
        .selectAll()
        .where('post_id', '=', post.id)
        .executeTakeFirst()
      expect(row!.closed_at).toBe(Date.parse(closesAt))
      const view = (await client(server.url).get(`${postsPath()}/${post.id}`)).body.poll
      expect(view).toMatchObject({ closed: true, resultsVisible: true, totalVoters: 1 })
      expect(votes(view)).toEqual([0, 1])
      const closedEvents = await eventsOfType(server, w.channel, 'poll.closed')
      expect(closedEvents).toHaveLength(1)
      expect(closedEvents[0]!.data).toMatchObject({ postId: post.id, poll: { closed: true } })
      await server.close()

      // Another restart later logs nothing more.
      clock.advance(60_000)
      server = await startTestServer(kind, { database, overrides: { clock } })
      expect(await eventsOfType(server, w.channel, 'poll.closed')).toHaveLength(1)
    } finally {
      await server.close()
      await database.drop()
    }
  })
})
