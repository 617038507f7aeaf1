import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { createPost, type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

const soon = (ms: number) => new Date(Date.now() + ms).toISOString()
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function eventsOf(server: TestServer, postId: string) {
  return server.ctx.db.selectFrom('channel_event').select('type').where('post_id', '=', postId).execute()
}

describe.each(testDatabases)('drafts and scheduled posts (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
  })
  afterAll(() => server?.destroy())

  it('refuses bad scheduling requests and changes nothing', async () => {
    const count = async () => (await server.ctx.db.selectFrom('post').select('id').execute()).length
    const before = await count()
    const bad = [
      { text: 'x', publishAt: new Date(Date.now() - 1000).toISOString() },
      { text: 'x', status: 'scheduled' },
      { text: 'x', status: 'draft', publishAt: soon(60_000) },
      { text: 'x', status: 'published', publishAt: soon(60_000) },
      { text: 'x', publishAt: soon(400 * 86_400_000) },
      { text: 'x', publishAt: 'tomorrow' },
      { text: 'x', status: 'pending' },
    ]
    for (const body of bad) {
      const res = await w.creator.post('/api/v1/channels/the-show/posts', body)
      expect(res.status, JSON.stringify(body)).toBe(422)
    }
    expect(await count()).toBe(before)
  })

  it('keeps drafts unannounced through edits and deletion, and lets staff schedule, move, cancel and publish', async () => {
    const draft = await createPost(w.creator, 'the-show', { text: 'draft one', status: 'draft' })
    expect(draft).toMatchObject({ status: 'draft', publishedAt: null, publishAt: null })
    expect(
      (await w.creator.patch(`/api/v1/channels/the-show/posts/${draft.id}`, { text: 'draft two' })).status,
    ).toBe(200)
    expect(await eventsOf(server, draft.id)).toEqual([])
    expect(
      (await w.fan.put(`/api/v1/channels/the-show/posts/${draft.id}/schedule`, { publishAt: soon(60_000) }))
        .status,
    ).toBe(403)

    // Scheduled soon, then moved an hour later before its time: the first job must do nothing.
    const firstAt = soon(2500)
    const first = await w.creator.put(`/api/v1/channels/the-show/posts/${draft.id}/schedule`, {
      publishAt: firstAt,
    })
    expect(first.body.status).toBe('scheduled')
    const later = soon(3_600_000)
    const moved = await w.creator.put(`/api/v1/channels/the-show/posts/${draft.id}/schedule`, {
      publishAt: later,
    })
    expect(moved.body).toMatchObject({ status: 'scheduled', publishAt: later })
    await wait(Math.max(0, Date.parse(firstAt) - Date.now()) + 500)
    expect((await w.fan.get(`/api/v1/channels/the-show/posts/${draft.id}`)).status).toBe(404)
    expect(await eventsOf(server, draft.id)).toEqual([])

    const cancelled = await w.creator.delete(`/api/v1/channels/the-show/posts/${draft.id}/schedule`)
    expect(cancelled.body).toMatchObject({ status: 'draft', publishAt: null })
    const published = await w.creator.post(`/api/v1/channels/the-show/posts/${draft.id}/publish`)
    expect(published.status).toBe(200)
    expect(published.body).toMatchObject({ status: 'published', text: 'draft two' })
    expect(await eventsOf(server, draft.id)).toEqual([{ type: 'post.published' }])
    const again = await w.creator.put(`/api/v1/channels/the-show/posts/${draft.id}/schedule`, {
      publishAt: soon(60_000),
    })
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('post-already-published')

    const gone = await createPost(w.creator, 'the-show', {
      text: 'scheduled then deleted',
      publishAt: soon(60_000),
    })
    expect((await w.creator.delete(`/api/v1/channels/the-show/posts/${gone.id}`)).status).toBe(204)
    expect(await eventsOf(server, gone.id)).toEqual([])
  })

  it('replays an Idempotency-Key only for the same scheduling, tags and flags (every body field)', async () => {
    const posts = '/api/v1/channels/the-show/posts'
    const key = { 'idempotency-key': `sched-${Date.now()}` }
    const publishAt = soon(3_600_000)
    const production = { weeks: { from: 3, to: 4 }, chapters: [2], location: 'Stage 2', unit: 'Main unit' }
    const body = { text: 'Trailer at nine', publishAt, production }
    const first = await w.creator.post(posts, body, key)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ status: 'scheduled', publishAt })
    // The same request, its keys in another order: the original post, nothing new.
    const retry = await w.creator.post(posts, { production, publishAt, text: 'Trailer at nine' }, key)
    expect(retry.status).toBe(200)
    expect(retry.body).toEqual(first.body)

    const count = async () => (await server.ctx.db.selectFrom('post').select('id').execute()).length
    const before = await count()
    const different = [
      { ...body, publishAt: soon(7_200_000) },
      { text: body.text, production, status: 'draft' },
      { text: body.text, production },
      { ...body, status: 'scheduled' },
      { ...body, production: { ...production, chapters: [3] } },
      { ...body, production: { ...production, location: 'Stage 9' } },
      { ...body, production: { ...production, unit: null } },
      { ...body, production: { weeks: { from: 3 } } },
      { text: body.text, publishAt },
      { ...body, spoiler: true },
      { ...body, spoilerLabel: 'Chapter 2' },
      { ...body, silent: true },
      { ...body, poll: { question: 'Nine or ten?', options: ['Nine', 'Ten'] } },
    ]
    for (const other of different) {
      const res = await w.creator.post(posts, other, key)
      expect(res.status, JSON.stringify(other)).toBe(422)
      expect(res.body.code).toBe('idempotency-key-reused')
    }
    expect(await count()).toBe(before)
    expect(await eventsOf(server, first.body.id)).toEqual([])

    // A draft's key does not publish: the same text without status is a different request.
    const draftKey = { 'idempotency-key': `draft-${Date.now()}` }
    expect((await w.creator.post(posts, { text: 'Keep it quiet', status: 'draft' }, draftKey)).status).toBe(
      201,
    )
    const publishRetry = await w.creator.post(posts, { text: 'Keep it quiet' }, draftKey)
    expect(publishRetry.status).toBe(422)
    expect(publishRetry.body.code).toBe('idempotency-key-reused')
  })

  it('replays an identical scheduled request after its publishAt has passed', async () => {
    const key = { 'idempotency-key': `late-retry-${Date.now()}` }
    const body = { text: 'Out in a moment', publishAt: soon(1500) }
    const first = await w.creator.post('/api/v1/channels/the-show/posts', body, key)
    expect(first.status).toBe(201)
    await wait(Math.max(0, Date.parse(body.publishAt) - Date.now()) + 300)
    const retry = await w.creator.post('/api/v1/channels/the-show/posts', body, key)
    expect(retry.status).toBe(200)
    expect(retry.body.id).toBe(first.body.id)
    const changed = await w.creator.post('/api/v1/channels/the-show/posts', { ...body, silent: true }, key)
    expect(changed.body.code).toBe('idempotency-key-reused')
  })

  it('gives press preview links that show the embargoed post until expired or revoked', async () => {
    const post = await createPost(w.creator, 'the-show', {
      text: 'The <finale> reveal',
      publishAt: soon(3_600_000),
    })
    expect((await w.fan.post(`/api/v1/channels/the-show/posts/${post.id}/previews`, {})).status).toBe(403)
    const made = await w.creator.post(`/api/v1/channels/the-show/posts/${post.id}/previews`, {
      label: 'Variety',
    })
    expect(made.status).toBe(201)
    expect(made.body.url).toMatch(/\/preview\/prv_/)
    const page = await fetch(made.body.url)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('EMBARGOED UNTIL')
    expect(html).toContain('The &lt;finale&gt; reveal')
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">')
    expect(page.headers.get('x-robots-tag')).toContain('noindex')
    expect(page.headers.get('cache-control')).toBe('private, no-store')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    const list = await w.creator.get(`/api/v1/channels/the-show/posts/${post.id}/previews`)
    expect(list.body.items).toHaveLength(1)
    expect(list.body.items[0].url).toBeUndefined()

    // Expired: 404.
    await server.ctx.db
      .updateTable('press_preview')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', made.body.id)
      .execute()
    expect((await fetch(made.body.url)).status).toBe(404)
    // Revoked: 404.
    const second = await w.creator.post(`/api/v1/channels/the-show/posts/${post.id}/previews`, {})
    expect((await fetch(second.body.url)).status).toBe(200)
    expect(
      (await w.creator.delete(`/api/v1/channels/the-show/posts/${post.id}/previews/${second.body.id}`))
        .status,
    ).toBe(204)
    expect((await fetch(second.body.url)).status).toBe(404)
    expect((await fetch(`${server.url}/preview/prv_${'x'.repeat(43)}`)).status).toBe(404)

    // Once published, the link leads to the public page.
    const third = await w.creator.post(`/api/v1/channels/the-show/posts/${post.id}/previews`, {})
    await w.creator.post(`/api/v1/channels/the-show/posts/${post.id}/publish`)
    const redirect = await fetch(third.body.url, { redirect: 'manual' })
    expect(redirect.status).toBe(303)
    expect(redirect.headers.get('location')).toBe(`${server.url}/c/the-show/p/${post.id}`)
  })
})
