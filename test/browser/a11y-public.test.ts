import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageAssets } from '../../src/pages/assets.js'
import { client } from '../_util/client.js'
import { uploadImage } from '../_util/images.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { axeViolations, describeViolations, VIEWPORTS } from './a11y.js'
import { assertWebBuilt, launchBrowser, photo } from './helpers.js'

/**
 * Issue 16 point 5: axe-core (WCAG 2.2 A/AA rules) finds no violation on any public page — the
 * channel page, a post, one image of an album, the timeline, a digest, an embed and a press
 * preview — at phone size, with the content a production really posts (production facts and tags,
 * an album with a spoiler image, a poll, a link) — the directory and a press kit (issue 19).
 *
 * Phone size only, by the rule of a11y-app.test.ts's sizesOf: a page gets a desktop pass only where
 * its layout differs by width. The public pages' one stylesheet (src/pages/assets.ts) has no width
 * media query — on a desktop a page is the phone layout in a column of at most 42rem, the same
 * elements with the same colours, only wider (an album's grid fits more columns) — so a desktop pass
 * would check nothing a phone pass does not (it was ~17 s of this file). The first test keeps the
 * rule honest: a width media query added to the stylesheet fails it until the desktop pass is back.
 */
const SIZES: (keyof typeof VIEWPORTS)[] = ['phone']

describe('public pages are accessible (axe, browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  const slug = 'harbour-lights'
  const pages: Record<string, string> = {}

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite')
    browser = await launchBrowser()
    const owner = await seedAccount(server.ctx, 'showrunner')
    await seedChannel(server.ctx, owner.account, { slug, title: 'Harbour Lights' })
    const api = client(server.url, { token: owner.token })
    const base = `/api/v1/channels/${slug}`
    const ok = <T extends { status: number; body: any }>(res: T, status = 200) => {
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      return res.body
    }
    ok(
      await api.put(`${base}/production`, {
        kind: 'series',
        title: 'Harbour Lights',
        season: 2,
        chapterLabel: 'Chapter',
        chapters: [{ title: 'The Tide' }, { title: 'Lanterns', airDate: '2027-01-10' }],
        filmingStartsOn: '2026-09-07',
        filmingWeeks: 14,
      }),
    )
    // The last photo has no alt text: its link to the image page still needs a name.
    const upload = async (hue: number, spoiler: boolean, alt?: string) =>
      ok(
        await uploadImage(server.url, owner.token, await photo(900, 600, hue), {
          ...(alt && { alt }),
          credit: 'Photo: Ana Ruiz',
          spoiler: String(spoiler),
        }),
        201,
      ).id as string
    const album = ok(
      await api.post(`${base}/posts`, {
        text: 'Week 12 on the harbour set. Call sheet at https://example.com/call-sheet',
        media: [
          { id: await upload(200, false, 'The harbour at dusk') },
          { id: await upload(20, true, 'The lighthouse keeper, unmasked') },
          { id: await upload(120, false) },
        ],
        production: { weeks: { from: 11, to: 12 }, chapters: [2], location: 'Harbour', unit: 'Second unit' },
      }),
      201,
    )
    ok(
      await api.post(`${base}/posts`, {
        text: 'Vote for the finale set',
        poll: { question: 'Which set for the finale?', options: ['Rooftop', 'Harbour'] },
      }),
      201,
    )
    ok(
      await api.post(`${base}/posts`, {
        text: 'The keeper was the villain.',
        spoiler: true,
        spoilerLabel: 'Chapter 2',
      }),
      201,
    )
    const digest = ok(
      await api.post(`${base}/digests`, { title: 'Weeks 11–12 highlights', weeks: { from: 11, to: 12 } }),
      201,
    )
    const draft = ok(await api.post(`${base}/posts`, { text: 'Trailer drops Friday', status: 'draft' }), 201)
    const preview = ok(await api.post(`${base}/posts/${draft.id}/previews`, { label: 'Variety' }), 201)
    pages.channel = `/c/${slug}`
    pages.post = `/c/${slug}/p/${album.id}`
    pages.image = `/c/${slug}/p/${album.id}/1`
    pages.timeline = `/c/${slug}/timeline`
    pages.digest = new URL(digest.url).pathname
    pages.embed = `/embed/p/${album.id}`
    pages.preview = new URL(preview.url).pathname
    pages.directory = '/c/'
    pages.directorySearch = `/c/?q=${encodeURIComponent('set')}`
    const kit = ok(
      await api.post(`${base}/posts/${album.id}/press-kits`, {
        recipient: 'Ana Ruiz',
        outlet: 'Variety',
        contact: 'press@harbour.example',
        usageNote: 'Editorial use only',
      }),
      201,
    )
    pages.kit = new URL(kit.url).pathname
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('has a public stylesheet without width-dependent media queries, so phone size covers its layout', () => {
    const { css } = pageAssets('https://backlot.example')
    const mediaQueries = css.body.match(/@media[^{]*/g) ?? []
    expect(mediaQueries.length).toBeGreaterThan(0) // the dark scheme's
    expect(mediaQueries.filter((query) => /width|height|orientation|aspect-ratio/.test(query))).toEqual([])
  })

  for (const name of [
    'channel',
    'post',
    'image',
    'timeline',
    'digest',
    'embed',
    'preview',
    'directory',
    'directorySearch',
    'kit',
  ]) {
    for (const size of SIZES) {
      const viewport = VIEWPORTS[size]
      it(`the ${name} page has no violation (${size})`, async () => {
        const context = await browser.newContext({ viewport, serviceWorkers: 'block' })
        try {
          const page = await context.newPage()
          const res = await page.goto(server.url + pages[name])
          expect(res?.status()).toBe(200)
          const violations = await axeViolations(page)
          expect(violations, describeViolations(violations)).toEqual([])
        } finally {
          await context.close()
        }
      })
    }
  }
})
