import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SLUG, seedDemo } from '../../src/cli/demo-seed.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { fetchText } from './press.fixture.js'

describe.each(testDatabases)('backlot demo (%s)', (kind) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer(kind)
  })
  afterAll(() => server?.destroy())

  it('seeds a production channel with every feature, once', async () => {
    const first = await seedDemo(server.ctx)
    expect(first.created).toBe(true)
    expect(first.logins.map((l) => l.handle)).toEqual(['demo_showrunner', 'demo_cocreator'])
    expect(first.previewUrl).toMatch(/\/preview\/prv_/)
    const second = await seedDemo(server.ctx)
    expect(second.created).toBe(false)
    expect(
      (await server.ctx.db.selectFrom('channel').select('id').where('slug', '=', DEMO_SLUG).execute()).length,
    ).toBe(1)

    const anonymous = client(server.url)
    const channel = (await anonymous.get(`/api/v1/channels/${DEMO_SLUG}`)).body
    expect(channel.avatar.url).toMatch(/\/media\//)
    expect((await fetch(channel.avatar.url)).status).toBe(200)
    const posts = (await anonymous.get(`/api/v1/channels/${DEMO_SLUG}/posts?limit=100`)).body.items
    expect(posts.some((p: any) => p.kind === 'poll')).toBe(true)
    expect(
      posts.some((p: any) => p.kind === 'album' && p.spoiler && p.media.every((m: any) => m.spoiler)),
    ).toBe(true)
    expect(posts.filter((p: any) => p.kind === 'album').length).toBeGreaterThanOrEqual(6)
    expect(posts.some((p: any) => p.status !== 'published')).toBe(false)
    const timeline = (await anonymous.get(`/api/v1/channels/${DEMO_SLUG}/timeline`)).body
    expect(timeline.weeks.map((w: any) => w.week)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1))
    expect(timeline.lastChapter.label).toBe('Chapter 8 of 8 — the last chapter')
    expect(timeline.weeks[10].cover.url).toMatch(/\/media\//)
    expect((await fetchText(first.channelUrl)).status).toBe(200)
    expect((await fetchText(first.previewUrl!)).text).toContain('EMBARGOED UNTIL')
  }, 60_000)
})
