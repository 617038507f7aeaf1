import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OPENS_KEPT, recordOpen } from '../../src/production/preview-opens.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { createPost, type PressWorld, pressServerEnv, seedPressWorld, upload } from './press.fixture.js'

const soon = (ms: number) => new Date(Date.now() + ms).toISOString()

/**
 * Issue 16 point 1: staff see whether and when a press preview link was opened — a count and
 * times, nothing about who.
 */
describe.each(testDatabases)('press preview opens (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
  })
  afterAll(() => server?.destroy())

  it('counts each open of the preview page, per link, with its time and nothing about the reader', async () => {
    const [mediaId] = await upload(server, w.accounts.creator.token, 1, { alt: 'Stage 4' })
    const post = await createPost(w.creator, 'the-show', {
      text: 'Finale first look',
      media: [{ id: mediaId }],
      publishAt: soon(3_600_000),
    })
    const previews = `/api/v1/channels/the-show/posts/${post.id}/previews`
    const variety = (await w.owner.post(previews, { label: 'Variety' })).body
    const deadline = (await w.owner.post(previews, { label: 'Deadline' })).body
    const listed = async () =>
      Object.fromEntries(((await w.creator.get(previews)).body.items as any[]).map((p) => [p.label, p]))
    expect((await listed()).Variety).toMatchObject({ opens: 0, lastOpenedAt: null, recentOpens: [] })

    const started = Date.now()
    const first = await fetch(variety.url, { headers: { 'user-agent': 'JournalistBrowser/1.0' } })
    const html = await first.text()
    expect(first.status).toBe(200)
    expect((await fetch(variety.url)).status).toBe(200)
    // The images of the page are not opens.
    const image = html.match(/\/preview\/prv_[^"/]+\/[0-9A-Z]{26}\/[^"\s]+/)?.[0]
    expect(image).toBeDefined()
    expect((await fetch(server.url + image!)).status).toBe(200)
    // A wrong or revoked link opens nothing and counts nothing.
    expect((await fetch(`${server.url}/preview/prv_${'x'.repeat(43)}`)).status).toBe(404)

    const after = await listed()
    expect(after.Variety.opens).toBe(2)
    expect(after.Variety.recentOpens).toHaveLength(2)
    expect(after.Variety.lastOpenedAt).toBe(after.Variety.recentOpens[0])
    const times = after.Variety.recentOpens.map((t: string) => Date.parse(t))
    expect(times[0]).toBeGreaterThanOrEqual(times[1])
    expect(times[1]).toBeGreaterThanOrEqual(started - 1000)
    expect(after.Deadline).toMatchObject({ opens: 0, lastOpenedAt: null, recentOpens: [] })

    // What is kept of an open is its link and its time: no address, no user agent.
    const rows = await server.ctx.db.selectFrom('press_preview_open').selectAll().execute()
    expect(rows).toHaveLength(2)
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['opened_at', 'preview_id'])

    // Only staff who may edit the post read the counts.
    expect((await w.fan.get(previews)).status).toBe(403)
    expect(deadline.id).not.toBe(variety.id)
  })

  it('keeps the count exact and only the latest open times', async () => {
    const post = await createPost(w.creator, 'the-show', { text: 'Many opens', publishAt: soon(3_600_000) })
    const previews = `/api/v1/channels/the-show/posts/${post.id}/previews`
    const link = (await w.owner.post(previews, {})).body
    const start = Date.now()
    const total = OPENS_KEPT + 5
    for (let i = 0; i < total; i++) await recordOpen(server.ctx.db, link.id, start + i)
    const [view] = (await w.owner.get(previews)).body.items
    expect(view.opens).toBe(total)
    expect(view.recentOpens).toHaveLength(OPENS_KEPT)
    expect(view.recentOpens[0]).toBe(new Date(start + total - 1).toISOString())
    expect(view.recentOpens.at(-1)).toBe(new Date(start + total - OPENS_KEPT).toISOString())
    expect(view.lastOpenedAt).toBe(view.recentOpens[0])

    // Deleting the post deletes its links and their opens.
    expect((await w.creator.delete(`/api/v1/channels/the-show/posts/${post.id}`)).status).toBe(204)
    const left = await server.ctx.db
      .selectFrom('press_preview_open')
      .select('preview_id')
      .where('preview_id', '=', link.id)
      .execute()
    expect(left).toEqual([])
  })
})
