import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  createPost,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  showProduction,
} from './press.fixture.js'

describe.each(testDatabases)('production facts, tags and the timeline (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
  })
  afterAll(() => server?.destroy())

  it('describes the production on the channel and in the channel view', async () => {
    const res = await w.anonymous.get('/api/v1/channels/the-show/production')
    expect(res.status).toBe(200)
    expect(res.body.production).toMatchObject({
      kind: 'series',
      title: 'The Show',
      season: 2,
      chapterLabel: 'Chapter',
      filmingStartsOn: '2026-01-05',
      filmingWeeks: 14,
      autoLiftSpoilers: false,
    })
    expect(res.body.production.chapters).toHaveLength(8)
    expect(res.body.production.chapters[7]).toEqual({
      number: 8,
      title: 'The Last Chapter',
      airDate: '2026-08-15',
    })
    const channel = await w.anonymous.get('/api/v1/channels/the-show')
    expect(channel.body.production.title).toBe('The Show')
  })

  it('refuses bad facts and facts from non-admins, changing nothing', async () => {
    const before = await server.ctx.db
      .selectFrom('channel')
      .select('production')
      .where('slug', '=', 'the-show')
      .executeTakeFirst()
    const bad = [
      { ...showProduction, kind: 'opera' },
      { ...showProduction, filmingStartsOn: '2026-02-30' },
      { ...showProduction, chapters: [{ title: 'a', airDate: 'soon' }] },
      { ...showProduction, title: 'line\nbreak' },
      { ...showProduction, extra: true },
    ]
    for (const body of bad) {
      const res = await w.owner.put('/api/v1/channels/the-show/production', body)
      expect(res.status, JSON.stringify(body)).toBe(422)
    }
    expect((await w.creator.put('/api/v1/channels/the-show/production', showProduction)).status).toBe(403)
    expect((await w.fan.put('/api/v1/channels/the-show/production', showProduction)).status).toBe(403)
    const after = await server.ctx.db
      .selectFrom('channel')
      .select('production')
      .where('slug', '=', 'the-show')
      .executeTakeFirst()
    expect(after).toEqual(before)
  })

  it('validates tags against the facts: weeks in order and within filming, chapters that exist', async () => {
    const count = async () => (await server.ctx.db.selectFrom('post').select('id').execute()).length
    const before = await count()
    const bad = [
      { weeks: { from: 12, to: 11 } },
      { weeks: { from: 14, to: 15 } },
      { chapters: [9] },
      { chapters: [0] },
      { chapters: [1, 1] },
      { location: 'a\u0000b' },
    ]
    for (const production of bad) {
      const res = await w.creator.post('/api/v1/channels/the-show/posts', { text: 'tagged', production })
      expect(res.status, JSON.stringify(production)).toBe(422)
    }
    expect(await count()).toBe(before)
    // Chapters need a channel that describes chapters.
    const res = await w.owner.post('/api/v1/channels/b-roll/posts', {
      text: 'x',
      production: { chapters: [1] },
    })
    expect(res.status).toBe(422)
    expect(res.body.errors[0].field).toBe('/production/chapters/0')
  })

  it('refuses to drop chapters that posts are tagged with', async () => {
    await createPost(w.creator, 'the-show', { text: 'tag 8', production: { chapters: [8] } })
    const res = await w.owner.put('/api/v1/channels/the-show/production', {
      ...showProduction,
      chapters: showProduction.chapters.slice(0, 7),
    })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('production-in-use')
  })

  it('groups weeks 1–14 and chapters 1–8 in order, with the last chapter reached', async () => {
    expect((await w.owner.post('/api/v1/channels', { slug: 'season-two', title: 'Season two' })).status).toBe(
      201,
    )
    expect((await w.owner.put('/api/v1/channels/season-two/production', showProduction)).status).toBe(200)
    const make = (weeks: { from: number; to?: number }, chapters: number[], text: string) =>
      createPost(w.owner, 'season-two', {
        text,
        production: { weeks, chapters, location: 'Stage 4', unit: 'Main unit' },
      })
    // Deliberately out of order.
    await make({ from: 11, to: 14 }, [8], 'weeks 11-14, the last chapter')
    await make({ from: 1 }, [1], 'week 1')
    await make({ from: 5, to: 6 }, [3, 4], 'weeks 5-6')
    await make({ from: 9 }, [6, 7], 'week 9')
    await make({ from: 2 }, [1, 2], 'week 2')
    const res = await w.anonymous.get('/api/v1/channels/season-two/timeline')
    expect(res.status).toBe(200)
    const weeks = res.body.weeks
    expect(weeks.map((g: any) => g.week)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
    const byWeek = Object.fromEntries(weeks.map((g: any) => [g.week, g]))
    expect(byWeek[1].chapters.map((c: any) => c.number)).toEqual([1])
    expect(byWeek[2].chapters.map((c: any) => c.number)).toEqual([1, 2])
    expect(byWeek[3].postCount).toBe(0)
    expect(byWeek[5].chapters.map((c: any) => c.number)).toEqual([3, 4])
    expect(byWeek[6].chapters.map((c: any) => c.number)).toEqual([3, 4])
    expect(byWeek[9].chapters.map((c: any) => c.number)).toEqual([6, 7])
    for (const week of [11, 12, 13, 14]) {
      expect(byWeek[week].chapters).toEqual([{ number: 8, name: 'Chapter 8 — The Last Chapter' }])
      expect(byWeek[week].posts.map((p: any) => p.title)).toEqual(['weeks 11-14, the last chapter'])
    }
    expect(byWeek[1].startsOn).toBe('2026-01-05')
    expect(byWeek[14].startsOn).toBe('2026-04-06')
    expect(res.body.lastChapter).toMatchObject({
      number: 8,
      of: 8,
      isLast: true,
      label: 'Chapter 8 of 8 — the last chapter',
    })

    const page = await fetchText(`${server.url}/c/season-two/timeline`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Chapter 8 of 8 — the last chapter')
    const order = [...page.text.matchAll(/id="w-(\d+)"/g)].map((m) => Number(m[1]))
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
  })

  it('puts an untagged post into its publication week', async () => {
    await createPost(w.owner, 'b-roll', { text: 'untagged' })
    const res = await w.anonymous.get('/api/v1/channels/b-roll/timeline')
    // b-roll has no filming start: the post falls into its calendar week.
    expect(res.body.weeks).toHaveLength(1)
    expect(res.body.weeks[0]).toMatchObject({ week: null, postCount: 1 })
    expect(res.body.weeks[0].label).toMatch(/^Week of \d{4}-\d{2}-\d{2}$/)
  })

  it('returns post views with tags, and lets the author change them', async () => {
    const post = await createPost(w.creator, 'the-show', {
      text: 'retag me',
      production: { weeks: { from: 3 } },
    })
    expect(post.production).toEqual({ weeks: { from: 3, to: 3 }, chapters: [], location: null, unit: null })
    const res = await w.creator.put(`/api/v1/channels/the-show/posts/${post.id}/production`, {
      chapters: [2],
      unit: 'Second unit',
    })
    expect(res.status).toBe(200)
    expect(res.body.production).toEqual({ weeks: null, chapters: [2], location: null, unit: 'Second unit' })
    expect(
      (await w.fan.put(`/api/v1/channels/the-show/posts/${post.id}/production`, { chapters: [1] })).status,
    ).toBe(403)
    const cleared = await w.creator.delete(`/api/v1/channels/the-show/posts/${post.id}/production`)
    expect(cleared.body.production).toBeNull()
  })
})
