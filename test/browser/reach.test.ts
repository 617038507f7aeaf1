import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../_util/server.js'
import { apiAs, assertWebBuilt, launchBrowser, type Person, seedShow } from './helpers.js'
import { DESKTOP, openStudio } from './studio-helpers.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const DAY = 86_400_000
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

/**
 * The analytics page's reach section (issue 19 part 5): readers open the public pages, two news
 * sites embed posts, two feed readers poll the feeds, a CMS looks a post up over oEmbed; the owner
 * sees it all per surface and per day, with the sites, the posts they embedded and the readers.
 */
describe('reach in the studio (browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let owner: Person
  const slug = 'the-show'

  /** A request from one reader, as a reverse proxy on this machine would forward it. */
  const visit = (url: string, address: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${url}`, {
      headers: { 'x-forwarded-for': address, 'user-agent': BROWSER_UA, ...headers },
    }).then((res) => {
      expect(res.status).toBe(200)
      return res.text()
    })

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite', { env: { BACKLOT_TRUST_PROXY: '1' } })
    browser = await launchBrowser()
    owner = (
      await seedShow(server.url, { creator: 'showrunner', fans: [], slug, title: 'The Show — on set' })
    ).creator
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('shows views per surface per day, the sites that embedded which posts, and feed readers', async () => {
    const base = `/api/v1/channels/${slug}/posts`
    const finale = await apiAs(server.url, owner, 'POST', base, { text: 'Weeks 11–14: the last chapter' })
    const stage = await apiAs(server.url, owner, 'POST', base, { text: 'Stage 4 at night, chapter 8' })
    // Two weeks of history, as the counters would hold it (days before today).
    const today = Math.floor(Date.now() / DAY)
    const channel = await server.ctx.db
      .selectFrom('channel')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow()
    for (let ago = 14; ago >= 1; ago--) {
      const day = today - ago
      const wave = 14 - ago
      await server.ctx.db
        .insertInto('reach_channel_day')
        .values({ day, channel_id: channel.id, page_views: 20 + wave * 3, bots: 4, visitors: 15 + wave * 2 })
        .execute()
      await server.ctx.db
        .insertInto('reach_post_day')
        .values([
          { day, post_id: finale.id, channel_id: channel.id, surface: 'page', views: 10 + wave * 2, bots: 1 },
          {
            day,
            post_id: finale.id,
            channel_id: channel.id,
            surface: 'embed',
            views: wave > 6 ? wave * 4 : 0,
            bots: 0,
          },
        ])
        .execute()
      if (wave > 6)
        await server.ctx.db
          .insertInto('reach_embed_day')
          .values({
            day,
            post_id: finale.id,
            channel_id: channel.id,
            origin: 'https://news.example',
            views: wave * 4,
          })
          .execute()
      await server.ctx.db
        .insertInto('reach_feed_day')
        .values({
          day,
          channel_id: channel.id,
          reader: 'feedly',
          format: 'rss',
          fetches: 24,
          subscribers: 12,
        })
        .execute()
    }
    // Today, through the real surfaces: three readers, two news sites, two feed readers, one oEmbed lookup.
    for (const address of ['203.0.113.10', '203.0.113.11', '203.0.113.12']) {
      await visit(`/c/${slug}`, address)
      await visit(`/c/${slug}/p/${finale.id}`, address)
      await visit(`/embed/p/${finale.id}`, address, { referer: 'https://news.example/2026/12/the-finale' })
    }
    await visit(`/embed/p/${stage.id}`, '203.0.113.13', { referer: 'https://press.example.org/set-report' })
    await visit(`/embed/p/${finale.id}`, '203.0.113.13', { referer: 'https://press.example.org/set-report' })
    await visit(`/c/${slug}/feed.rss`, '198.51.100.1', {
      'user-agent': 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; feed-id=1)',
    })
    await visit(`/c/${slug}/feed.atom`, '198.51.100.2', {
      'user-agent':
        'Mozilla/5.0 (compatible; Inoreader/1.0; +http://www.inoreader.com/feed-fetcher; 5 subscribers; )',
    })
    await visit(`/oembed?url=${encodeURIComponent(`${server.url}/c/${slug}/p/${finale.id}`)}`, '192.0.2.7')
    await expect
      .poll(async () => {
        await server.ctx.reach.flush()
        const r = await apiAs(server.url, owner, 'GET', `/api/v1/channels/${slug}/analytics/reach?days=1`)
        return r.days[0]
      })
      .toMatchObject({ pages: 6, embeds: 5, feeds: 2, oembed: 1, visitors: 4 })

    const studio = await openStudio(browser, server.url, owner, { viewport: DESKTOP })
    await studio.page.goto(`${server.url}/app/studio/${slug}/analytics`)
    const section = studio.page.locator('#reach')
    await section.getByRole('heading', { name: 'Sites that embedded your posts' }).waitFor()
    const rows = (name: string) => section.getByRole('table', { name }).locator('tbody tr').allInnerTexts()
    expect(await rows('Totals over the last 30 days')).toEqual([
      expect.stringMatching(/^881\s+285\s+338\s+1\s+70$/),
    ])
    expect(await rows('Sites that embedded your posts')).toEqual([
      expect.stringMatching(/^news\.example\s+283\s+1$/),
      expect.stringMatching(/^press\.example\.org\s+2\s+2$/),
    ])
    const pairs = await rows('Which sites embedded which posts')
    expect(pairs[0]).toMatch(/^Weeks 11–14: the last chapter\s+news\.example\s+283$/)
    expect(pairs).toContainEqual(
      expect.stringMatching(/^Stage 4 at night, chapter 8\s+press\.example\.org\s+1$/),
    )
    const readers = await rows('Feed readers')
    expect(readers).toEqual([
      expect.stringMatching(/^feedly\s+337\s+12$/),
      expect.stringMatching(/^inoreader\s+1\s+5$/),
    ])
    await section.locator('.chart canvas').first().waitFor()
    // The whole page from the top, clipped to the section: an element shot of a scrolled page would
    // draw the sticky top bar over the section.
    await studio.page.evaluate(() => (globalThis as any).scrollTo(0, 0))
    const box = (await section.boundingBox())!
    await studio.page.screenshot({
      path: path.join(root, 'docs', 'screenshots', 'reach-desktop.png'),
      fullPage: true,
      clip: { x: box.x, y: box.y, width: box.width, height: box.height },
    })
    expect(studio.errors).toEqual([])
  })
})
