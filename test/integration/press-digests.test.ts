import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { createPost, fetchText, type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

describe.each(testDatabases)('digests (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  const posts: Record<string, any> = {}

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    const tagged = (text: string, from: number, to?: number) =>
      createPost(w.creator, 'the-show', { text, production: { weeks: { from, to }, chapters: [8] } })
    posts.a = await tagged('week 11 call sheet', 11)
    posts.b = await tagged('weeks 12–13 night shoot', 12, 13)
    posts.c = await tagged('week 14: wrap party', 14)
    posts.early = await tagged('week 2 rehearsals', 2)
    // Reactions: b gets two, c one, a none.
    const extra = await seedAccount(server.ctx, 'superfan')
    await seedMember(server.ctx, w.channel, extra.account, null)
    const react = async (c: ReturnType<typeof client>, id: string) =>
      expect((await c.put(`/api/v1/channels/the-show/posts/${id}/reaction`, { emoji: '❤️' })).status).toBe(200)
    await react(w.fan, posts.b.id)
    await react(client(server.url, { token: extra.token }), posts.b.id)
    await react(w.fan, posts.c.id)
  })
  afterAll(() => server?.destroy())

  it('picks the most reacted posts of a week range, shown in publication order', async () => {
    const res = await w.creator.post('/api/v1/channels/the-show/digests', {
      title: 'Weeks 11–14 highlights',
      intro: 'The last chapter, from the set.',
      weeks: { from: 11, to: 14 },
      maxPosts: 2,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body).toMatchObject({
      mode: 'auto',
      rangeLabel: 'Weeks 11–14',
      weeks: { from: 11, to: 14 },
      maxPosts: 2,
    })
    expect(res.body.posts.map((p: any) => p.id)).toEqual([posts.b.id, posts.c.id])
    expect(res.body.url).toBe(`${server.url}/c/the-show/digests/${res.body.id}`)
    const page = await fetchText(res.body.url)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Weeks 11–14 highlights')
    expect(page.text).toContain(posts.b.id)
    expect(page.text).not.toContain(posts.a.id)
    const feed = JSON.parse((await fetchText(`${server.url}/c/the-show/feed.json`)).text)
    const item = feed.items.find((i: any) => i.id === res.body.url)
    expect(item.title).toBe('Weeks 11–14 highlights (Weeks 11–14)')
  })

  it('lets staff choose the posts, and go back to automatic', async () => {
    const made = await w.creator.post('/api/v1/channels/the-show/digests', {
      title: 'Picks',
      weeks: { from: 11, to: 14 },
    })
    const id = made.body.id
    const picked = await w.creator.patch(`/api/v1/channels/the-show/digests/${id}`, {
      postIds: [posts.early.id, posts.a.id],
    })
    expect(picked.body).toMatchObject({ mode: 'manual', postIds: [posts.early.id, posts.a.id] })
    expect(picked.body.posts.map((p: any) => p.id)).toEqual([posts.early.id, posts.a.id])
    // Fans read digests but not staff's raw selection.
    const asFan = await w.fan.get(`/api/v1/channels/the-show/digests/${id}`)
    expect(asFan.body.postIds).toBeNull()
    expect(asFan.body.posts).toHaveLength(2)
    const auto = await w.creator.patch(`/api/v1/channels/the-show/digests/${id}`, { postIds: null })
    expect(auto.body.mode).toBe('auto')
    expect(auto.body.posts.map((p: any) => p.id)).toEqual([posts.a.id, posts.b.id, posts.c.id])
  })

  it('refuses bad digests and outsiders, creating nothing', async () => {
    const count = async () => (await server.ctx.db.selectFrom('digest').select('id').execute()).length
    const before = await count()
    const other = await createPost(w.owner, 'b-roll', { text: 'elsewhere' })
    const bad = [
      { title: 'x' },
      { title: 'x', weeks: { from: 3, to: 2 } },
      { title: 'x', weeks: { from: 1 }, dates: { from: '2026-01-01', to: '2026-01-02' } },
      { title: 'x', dates: { from: '2026-01-05', to: '2026-01-01' } },
      { title: 'x', postIds: [other.id] },
      { title: '', weeks: { from: 1 } },
      { title: 'x', weeks: { from: 1 }, extra: 1 },
    ]
    for (const body of bad) {
      expect(
        (await w.creator.post('/api/v1/channels/the-show/digests', body)).status,
        JSON.stringify(body),
      ).toBe(422)
    }
    expect(
      (await w.fan.post('/api/v1/channels/the-show/digests', { title: 'x', weeks: { from: 1 } })).status,
    ).toBe(403)
    expect(await count()).toBe(before)
    expect((await w.fan.get('/api/v1/channels/the-show/digests/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404)
  })

  it('selects by date range', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const res = await w.creator.post('/api/v1/channels/the-show/digests', {
      title: 'Today',
      dates: { from: today, to: today },
      maxPosts: 50,
    })
    expect(res.body.rangeLabel).toBe(`${today} – ${today}`)
    expect(res.body.posts.map((p: any) => p.id)).toEqual(
      expect.arrayContaining([posts.a.id, posts.b.id, posts.c.id, posts.early.id]),
    )
  })

  it('posts a digest to the channel once, as a post linking to its page', async () => {
    const made = await w.creator.post('/api/v1/channels/the-show/digests', {
      title: 'Wrap week',
      weeks: { from: 14 },
    })
    const res = await w.creator.post(`/api/v1/channels/the-show/digests/${made.body.id}/post`, {})
    expect(res.status).toBe(201)
    expect(res.body.text).toBe(`Wrap week — Week 14\n${made.body.url}`)
    expect(res.body.links).toEqual([expect.objectContaining({ url: made.body.url })])
    const again = await w.creator.post(`/api/v1/channels/the-show/digests/${made.body.id}/post`, {})
    expect(again.status).toBe(409)
    const digest = await w.fan.get(`/api/v1/channels/the-show/digests/${made.body.id}`)
    expect(digest.body.linkedPostId).toBe(res.body.id)
    const removed = await w.creator.delete(`/api/v1/channels/the-show/digests/${made.body.id}`)
    expect(removed.status).toBe(204)
    expect((await fetchText(made.body.url)).status).toBe(404)
  })
})
