import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findPost } from '../../src/posts/index.js'
import { type Client, client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  createPost,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  showProduction,
  upload,
} from './press.fixture.js'

/**
 * Issue 19 part 1: full-text search on the database's own engine (FTS5, PostgreSQL full-text), with
 * every visibility rule — private channels, embargo, spoiler text, deletion — and the index written
 * in the post's own transaction.
 */
describe.each(testDatabases)('search (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let outsider: Client

  /** Ids of the posts `as` finds for `params` in one channel, or across channels without a slug. */
  async function ids(as: Client, params: Record<string, string>, slug?: string): Promise<string[]> {
    const res = await find(as, params, slug)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.items.map((i: { id: string }) => i.id)
  }
  function find(as: Client, params: Record<string, string>, slug?: string) {
    const query = new URLSearchParams(params).toString()
    return as.get(slug ? `/api/v1/channels/${slug}/search?${query}` : `/api/v1/search?${query}`)
  }

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    outsider = client(server.url, { token: (await seedAccount(server.ctx, 'outsider')).token })
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('finds a public post anywhere, and a private channel’s post only for its members', async () => {
    const open = await createPost(w.creator, 'the-show', { text: 'Quokka sighting near the catering tent' })
    const secret = await createPost(w.owner, 'writers-room', { text: 'Quokka subplot for the finale' })
    for (const as of [w.anonymous, outsider, w.fan]) {
      expect(await ids(as, { q: 'quokka' })).toEqual([open.id])
      expect(await ids(as, { q: 'quokka' }, 'the-show')).toEqual([open.id])
    }
    for (const as of [w.anonymous, outsider]) {
      const res = await find(as, { q: 'quokka' }, 'writers-room')
      expect(res.status).toBe(404)
      expect(res.body.code).toBe('channel-not-found')
    }
    expect(await ids(w.owner, { q: 'quokka' }, 'writers-room')).toEqual([secret.id])
    expect((await ids(w.owner, { q: 'quokka' })).sort()).toEqual([open.id, secret.id].sort())
  })

  it('keeps an unlisted channel out of the search across channels, but searchable by its link', async () => {
    const post = await createPost(w.owner, 'b-roll', { text: 'Wombat crossing the backlot' })
    expect(await ids(w.anonymous, { q: 'wombat' })).toEqual([])
    expect(await ids(w.anonymous, { q: 'wombat' }, 'b-roll')).toEqual([post.id])
  })

  it('finds an embargoed post for nobody until it is published, then for everyone', async () => {
    const post = await createPost(w.creator, 'the-show', {
      text: 'Narwhal reveal for the press',
      publishAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    const draft = await createPost(w.creator, 'the-show', { text: 'Narwhal draft', status: 'draft' })
    for (const as of [w.anonymous, outsider, w.fan, w.owner]) {
      expect(await ids(as, { q: 'narwhal' })).toEqual([])
      expect(await ids(as, { q: 'narwhal' }, 'the-show')).toEqual([])
    }
    // Editing the embargoed post does not index it either.
    const edit = await w.creator.patch(`/api/v1/channels/the-show/posts/${post.id}`, {
      text: 'Narwhal reveal v2',
    })
    expect(edit.status, JSON.stringify(edit.body)).toBe(200)
    expect(await ids(w.owner, { q: 'narwhal' }, 'the-show')).toEqual([])
    const published = await w.owner.post(`/api/v1/channels/the-show/posts/${post.id}/publish`, {})
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    expect(await ids(w.anonymous, { q: 'narwhal' })).toEqual([post.id])
    expect(await ids(w.anonymous, { q: 'narwhal' }, 'the-show')).not.toContain(draft.id)
  })

  it('matches a spoiler’s hidden text only for members, and never shows it', async () => {
    const post = await createPost(w.creator, 'the-show', {
      text: 'Platypus betrays everyone in the finale',
      spoiler: true,
      spoilerLabel: 'Chapter 8',
      production: { chapters: [8] },
    })
    for (const as of [w.anonymous, outsider]) {
      expect(await ids(as, { q: 'platypus' })).toEqual([])
      expect(await ids(as, { q: 'betrays' }, 'the-show')).toEqual([])
    }
    // Its tags are not hidden: the post is found by its chapter, as its spoiler label says.
    expect(await ids(w.anonymous, { q: 'chapter 8' }, 'the-show')).toContain(post.id)
    for (const [as, slug] of [
      [w.fan, 'the-show'],
      [w.fan, undefined],
      [w.owner, 'the-show'],
    ] as const) {
      const res = await find(as, { q: 'platypus' }, slug)
      expect(res.body.items).toEqual([
        expect.objectContaining({ id: post.id, spoiler: true, spoilerLabel: 'Chapter 8', snippet: null }),
      ])
      expect(JSON.stringify(res.body)).not.toContain('betrays')
    }
  })

  it('opens an auto-lifted spoiler to everyone once its chapter aired, without an edit', async () => {
    const post = await createPost(w.creator, 'the-show', {
      text: 'Quetzal twist in the second chapter',
      spoiler: true,
      spoilerLabel: 'Chapter 2',
      production: { chapters: [2] },
    })
    expect(await ids(w.anonymous, { q: 'quetzal' })).toEqual([])
    const production = (airDate: string) => ({
      ...showProduction,
      autoLiftSpoilers: true,
      chapters: showProduction.chapters.map((c, i) => (i === 1 ? { ...c, airDate } : c)),
    })
    // The channel opts in and chapter 2 aired long ago: found by outsiders, as an ordinary post.
    expect((await w.owner.put('/api/v1/channels/the-show/production', production('2020-01-01'))).status).toBe(
      200,
    )
    for (const slug of [undefined, 'the-show']) {
      const res = await find(w.anonymous, { q: 'quetzal' }, slug)
      expect(res.body.items).toEqual([
        expect.objectContaining({ id: post.id, spoiler: false, spoilerLabel: null }),
      ])
      expect(res.body.items[0].snippet.text).toContain('Quetzal twist')
    }
    // Its air date moves to the future: hidden again from outsiders.
    expect((await w.owner.put('/api/v1/channels/the-show/production', production('2099-01-01'))).status).toBe(
      200,
    )
    expect(await ids(outsider, { q: 'quetzal' }, 'the-show')).toEqual([])
    // Time alone lifts it: the moment passes, nothing is re-indexed, and search follows.
    await server.ctx.db
      .updateTable('search_post')
      .set({ lifts_at: Date.now() + 1500 })
      .where('post_id', '=', post.id)
      .execute()
    expect(await ids(w.anonymous, { q: 'quetzal' })).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 1600))
    expect(await ids(w.anonymous, { q: 'quetzal' })).toEqual([post.id])
    expect((await w.owner.put('/api/v1/channels/the-show/production', showProduction)).status).toBe(200)
    expect(await ids(w.anonymous, { q: 'quetzal' })).toEqual([])
  })

  it('forgets a deleted post at once, and an edit replaces the old words', async () => {
    const post = await createPost(w.creator, 'the-show', { text: 'Axolotl in the water tank scene' })
    expect(await ids(w.anonymous, { q: 'axolotl' })).toEqual([post.id])
    const edit = await w.creator.patch(`/api/v1/channels/the-show/posts/${post.id}`, {
      text: 'Capybara in the water tank scene',
    })
    expect(edit.status).toBe(200)
    expect(await ids(w.anonymous, { q: 'axolotl' })).toEqual([])
    expect(await ids(w.anonymous, { q: 'capybara' })).toEqual([post.id])
    const removed = await w.creator.delete(`/api/v1/channels/the-show/posts/${post.id}`)
    expect(removed.status).toBe(204)
    expect(await ids(w.fan, { q: 'capybara' })).toEqual([])
    expect(await ids(w.owner, { q: 'capybara' }, 'the-show')).toEqual([])
    const left = await server.ctx.db
      .selectFrom('search_post')
      .select('post_id')
      .where('post_id', '=', post.id)
      .execute()
    expect(left).toEqual([])
  })

  it('indexes in the post’s transaction: a refused post or a rolled-back index leaves nothing', async () => {
    // A tag naming a chapter the production lacks refuses the whole post (after the row was written).
    const refused = await w.creator.post('/api/v1/channels/the-show/posts', {
      text: 'Pangolin takes',
      production: { chapters: [99] },
    })
    expect(refused.status).toBe(422)
    expect(await ids(w.owner, { q: 'pangolin' }, 'the-show')).toEqual([])
    // The index write itself rolls back with its transaction, FTS5 triggers and tsvectors included.
    const post = await createPost(w.creator, 'the-show', { text: 'Pangolin at dawn' })
    const record = (await findPost(server.ctx.db, w.channel.id, post.id))!
    await server.ctx.db.deleteFrom('search_post').where('post_id', '=', post.id).execute()
    const rollback = new Error('rolled back')
    await expect(
      server.ctx.db.transaction().execute(async (tx) => {
        await server.ctx.search.postHooks.published!(tx, { ...record, text: 'Pangolin at dusk' })
        throw rollback
      }),
    ).rejects.toBe(rollback)
    expect(await ids(w.anonymous, { q: 'pangolin' })).toEqual([])
  })

  it('indexes the posts published before search existed, and only the published ones', async () => {
    const old = await createPost(w.creator, 'the-show', { text: 'Tapir footage from season one' })
    const gone = await createPost(w.creator, 'the-show', { text: 'Tapir blooper' })
    await w.creator.delete(`/api/v1/channels/the-show/posts/${gone.id}`)
    // As on a server upgraded to search: the posts are there, the index is empty.
    await server.ctx.db.deleteFrom('search_post').execute()
    expect(await ids(w.anonymous, { q: 'tapir' })).toEqual([])
    expect(await server.ctx.search.indexMissing()).toBeGreaterThan(0)
    expect(await ids(w.anonymous, { q: 'tapir' })).toEqual([old.id])
    expect(await server.ctx.search.indexMissing()).toBe(0)
  })

  it('ranks a post matching every word above one matching one word, and tags above text', async () => {
    const one = await createPost(w.creator, 'the-show', { text: 'Mongoose rehearsal today' })
    const both = await createPost(w.creator, 'the-show', {
      text: 'Mongoose rehearsal with the meerkat puppet',
    })
    expect(await ids(w.anonymous, { q: 'mongoose meerkat' })).toEqual([both.id, one.id])
    const text = await createPost(w.creator, 'the-show', { text: 'We talked about Gdansk over lunch' })
    const tagged = await createPost(w.creator, 'the-show', {
      text: 'Second day of the shoot',
      production: { location: 'Gdansk harbour' },
    })
    expect(await ids(w.anonymous, { q: 'gdansk' })).toEqual([tagged.id, text.id])
  })

  it('ranks a channel whose title matches above one whose description does, in GET /channels?q=', async () => {
    const owner = (await seedAccount(server.ctx, 'zebraowner')).account
    const inText = await seedChannel(server.ctx, owner, { slug: 'stripes', title: 'Stripes' })
    await server.ctx.db
      .updateTable('channel')
      .set({ description: 'A diary of the zebra crossing' })
      .where('id', '=', inText.id)
      .execute()
    const inTitle = await seedChannel(server.ctx, owner, { slug: 'zebra-unit', title: 'Zebra Unit' })
    await seedChannel(server.ctx, owner, {
      slug: 'zebra-private',
      title: 'Zebra secrets',
      visibility: 'private',
    })
    await seedChannel(server.ctx, owner, {
      slug: 'zebra-unlisted',
      title: 'Zebra b-sides',
      visibility: 'unlisted',
    })
    const res = await w.anonymous.get('/api/v1/channels?q=zebra')
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.items.map((c: { slug: string }) => c.slug)).toEqual([inTitle.slug, inText.slug])
    const paged = await w.anonymous.get('/api/v1/channels?q=zebra&limit=1')
    expect(paged.body.items.map((c: { slug: string }) => c.slug)).toEqual(['zebra-unit'])
    const next = await w.anonymous.get(`/api/v1/channels?q=zebra&limit=1&cursor=${paged.body.nextCursor}`)
    expect(next.body).toMatchObject({ items: [{ slug: 'stripes' }], nextCursor: null })
  })

  it('filters by kind, tag, author and links; pages with cursors', async () => {
    const [mediaId] = await upload(server, w.accounts.creator.token, 1, { alt: 'Ibex on the cliff set' })
    const album = await createPost(w.creator, 'the-show', { text: 'Ibex day', media: [{ id: mediaId }] })
    const weeks = await createPost(w.creator, 'the-show', {
      text: 'Ibex wrangling',
      production: { weeks: { from: 11, to: 14 }, chapters: [8], location: 'Picos', unit: 'Second unit' },
    })
    const link = await createPost(w.owner, 'the-show', { text: 'Ibex article https://example.org/ibex' })
    const byAlt = await ids(w.anonymous, { q: 'cliff' })
    expect(byAlt).toEqual([album.id])
    expect(await ids(w.anonymous, { q: 'ibex', kind: 'album' })).toEqual([album.id])
    expect(await ids(w.anonymous, { q: 'ibex', tag: 'week:12' })).toEqual([weeks.id])
    expect(await ids(w.anonymous, { q: 'ibex', tag: 'week:15' })).toEqual([])
    expect(await ids(w.anonymous, { q: 'ibex', tag: 'chapter:8' })).toEqual([weeks.id])
    expect(await ids(w.anonymous, { q: 'ibex', tag: 'location:picos' })).toEqual([weeks.id])
    expect(await ids(w.anonymous, { q: 'ibex', tag: 'unit:Second unit' })).toEqual([weeks.id])
    expect(await ids(w.anonymous, { q: 'ibex', author: 'showrunner' })).toEqual([link.id])
    expect(await ids(w.anonymous, { q: 'ibex', author: 'nobody-here' })).toEqual([])
    expect(await ids(w.anonymous, { q: 'ibex', has: 'link' }, 'the-show')).toEqual([link.id])
    // "Week 12" finds a post tagged weeks 11–14, in either language.
    expect(await ids(w.anonymous, { q: 'semana 12' }, 'the-show')).toContain(weeks.id)

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: any = await find(w.anonymous, { q: 'ibex', limit: '1', ...(cursor ? { cursor } : {}) })
      seen.push(...res.body.items.map((i: { id: string }) => i.id))
      cursor = res.body.nextCursor
    } while (cursor)
    expect(seen.sort()).toEqual([album.id, weeks.id, link.id].sort())
  })

  it('returns a plain-text snippet with the matched words’ offsets', async () => {
    const text = `${'Long preamble about the day. '.repeat(6)}Then the <b>Okapi</b> arrived & okapis left.`
    await createPost(w.creator, 'the-show', { text })
    const res = await find(w.anonymous, { q: 'okapi' })
    const [hit] = res.body.items
    expect(hit.snippet.text).toContain('<b>Okapi</b> arrived & okapis left.')
    expect(hit.snippet.text.startsWith('…')).toBe(true)
    const words = hit.snippet.highlights.map((h: { start: number; end: number }) =>
      hit.snippet.text.slice(h.start, h.end),
    )
    expect(words).toEqual(['Okapi', 'okapis'])
  })

  it('answers bad input with problem+json and does no search', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ q: '!!! ???' }, '/q'],
      [{ q: 'x'.repeat(201) }, '/q'],
      [{ q: 'ibex', tag: 'week:0' }, '/tag'],
      [{ q: 'ibex', tag: 'chapter:abc' }, '/tag'],
      [{ q: 'ibex', tag: 'season:2' }, '/tag'],
      [{ q: 'ibex', kind: 'video' }, '/kind'],
      [{ q: 'ibex', limit: '500' }, '/limit'],
    ]
    for (const [params, field] of cases) {
      const res = await find(w.anonymous, params)
      expect({ params, status: res.status, type: res.headers.get('content-type') }).toEqual({
        params,
        status: 422,
        type: 'application/problem+json; charset=utf-8',
      })
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field)
    }
    expect((await w.anonymous.get('/api/v1/search')).status).toBe(422)
    expect((await w.anonymous.get('/api/v1/channels?q=%20%21')).status).toBe(422)
  })
})
