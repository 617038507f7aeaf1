import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'
import {
  dbReactionCounts,
  type InteractionWorld,
  nonZero,
  pool,
  postsPath,
  publish,
  seedFans,
  seedInteractionWorld,
} from './interactions.fixture.js'

interface CountsEntry {
  id: string
  reactions: { counts: { emoji: string; count: number }[]; total: number }
  views: number
  poll?: { totalVoters: number; votes: number[] | null }
  highlightedAnswers?: number
}

/** A stream subscriber that keeps every `counts` entry it receives with its arrival time. */
class CountsListener {
  readonly received: { at: number; entry: CountsEntry }[] = []
  constructor(readonly stream: StreamClient) {
    stream.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString())
      if (frame.type !== 'counts') return
      for (const entry of frame.posts as CountsEntry[]) this.received.push({ at: Date.now(), entry })
    })
  }

  static async open(server: TestServer, token?: string): Promise<CountsListener> {
    const stream = await StreamClient.open(server.url, token ? { token } : {})
    const listener = new CountsListener(stream)
    const ack = await stream.subscribeAndWait('set-diary')
    if (ack.type !== 'subscribed') throw new Error(`subscribe failed: ${JSON.stringify(ack)}`)
    return listener
  }

  of(postId: string) {
    return this.received.filter((r) => r.entry.id === postId)
  }

  last(postId: string): CountsEntry | undefined {
    return this.of(postId).at(-1)?.entry
  }

  /** The most frames for `postId` that arrived within any one-second window. */
  maxPerSecond(postId: string): number {
    const times = this.of(postId).map((r) => r.at)
    let max = 0
    for (let i = 0; i < times.length; i++) {
      let n = 0
      while (i + n < times.length && times[i + n]! - times[i]! < 1000) n++
      max = Math.max(max, n)
    }
    return max
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Issue 4, live counts: coalesced to at most one `counts` frame per post per second, eventually exact. */
describe.each(testDatabases)('live counts on %s', (kind) => {
  let server: TestServer
  let w: InteractionWorld
  beforeAll(async () => {
    server = await startTestServer(kind)
    w = await seedInteractionWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('sends 200 subscribers at most two counts frames a second while 1,000 reactions arrive, ending exact', async () => {
    const post = await publish(w.creator, { text: 'The hot post' })
    const fans = await seedFans(server, w.channel, 1000, 'live')
    const listeners: CountsListener[] = []
    for (let i = 0; i < 200; i++) listeners.push(await CountsListener.open(server))

    const emojis = ['❤️', '😂', '😮', '😢', '🔥', '👏']
    const started = Date.now()
    const results = await pool(
      64,
      fans.map((f, i) => () => f.client.put(`${postsPath()}/${post.id}/reaction`, { emoji: emojis[i % 6] })),
    )
    const burstMs = Date.now() - started
    expect(results.filter((r) => r.status !== 200)).toEqual([])

    const expected = await dbReactionCounts(server, w.channel, post.id)
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBe(1000)
    await waitUntil(() => listeners.every((l) => l.last(post.id)?.reactions.total === 1000))
    for (const l of listeners) {
      expect(nonZero(l.last(post.id)!.reactions.counts)).toEqual(expected)
      expect(l.maxPerSecond(post.id)).toBeLessThanOrEqual(2)
      // Coalesced: a handful of frames for the whole burst, never one per click.
      expect(l.of(post.id).length).toBeLessThanOrEqual(Math.ceil(burstMs / 1000) + 2)
    }
    await Promise.all(listeners.map((l) => l.stream.close()))
  })

  it('carries votes (hidden while results are hidden), views and highlights, only as public numbers', async () => {
    const listener = await CountsListener.open(server)
    const poll = await publish(w.creator, {
      poll: {
        question: 'Q',
        options: ['A', 'B'],
        resultsVisibility: 'after-close',
        closesAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    })
    await w.fan.put(`${postsPath()}/${poll.id}/vote`, { options: [1] })
    await w.fan2.post(`${postsPath()}/${poll.id}/views`)
    await waitUntil(
      () => listener.last(poll.id)?.views === 1 && listener.last(poll.id)?.poll?.totalVoters === 1,
    )
    expect(listener.last(poll.id)!.poll).toEqual({ totalVoters: 1, votes: null })

    const prompt = await publish(w.creator, { prompt: { question: 'Favourite scene?' } })
    const sent = await w.fan.post(`${postsPath()}/${prompt.id}/answers`, { text: 'The storm' })
    await w.creator.put(`${postsPath()}/${prompt.id}/answers/${sent.body.id}/highlight`)
    await waitUntil(() => listener.last(prompt.id)?.highlightedAnswers === 1)
    expect(JSON.stringify(listener.received)).not.toMatch(/"fan"|fan2|The storm/)
    await listener.stream.close()
  })

  it('updates live counts when a member who reacted is banned, without any other write', async () => {
    const post = await publish(w.creator, { text: 'Ban test' })
    const [troll, other] = await seedFans(server, w.channel, 2, 'troll')
    await troll!.client.put(`${postsPath()}/${post.id}/reaction`, { emoji: '😢' })
    await other!.client.put(`${postsPath()}/${post.id}/reaction`, { emoji: '😢' })
    const listener = await CountsListener.open(server, w.accounts.fan.token)
    await w.fan.put(`${postsPath()}/${post.id}/reaction`, { emoji: '🔥' })
    await waitUntil(() => listener.last(post.id)?.reactions.total === 3)
    await w.moderator.put(`/api/v1/channels/set-diary/bans/${troll!.handle}`, {})
    await waitUntil(() => listener.last(post.id)?.reactions.total === 2)
    expect(nonZero(listener.last(post.id)!.reactions.counts)).toEqual({ '😢': 1, '🔥': 1 })
    await listener.stream.close()
  })
})
