import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../_util/server.js'
import { axeViolations, describeViolations, openAppPage, VIEWPORTS } from './a11y.js'
import { seasonFacts, uploadPhoto } from './fan-helpers.js'
import { apiAs, assertWebBuilt, launchBrowser, type Person, seedShow } from './helpers.js'

/**
 * Issue 16 point 5: axe-core (WCAG 2.2 A/AA) finds no violation on any page of the web app — the
 * fan view (anonymous and as a member), the studio and the settings — at phone size, and the
 * studio, whose layout changes with the width, at desktop size too (see sizesOf below),
 * with the content a production posts: production facts and tags, an album with a spoiler image,
 * a poll, a draft and a scheduled post with a preview link, a digest, a post in review.
 */
describe('the web app is accessible (axe, browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let owner: Person
  let fan: Person
  const slug = 'night-shoot'
  const pages: { name: string; path: string; as: 'owner' | 'fan' | 'anonymous' }[] = []

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite')
    browser = await launchBrowser()
    const show = await seedShow(server.url, {
      creator: 'showrunner',
      fans: ['fan_one'],
      slug,
      title: 'The Night Shoot',
    })
    owner = show.creator
    fan = show.fans[0]
    const base = `/api/v1/channels/${slug}`
    await apiAs(server.url, owner, 'PUT', `${base}/production`, seasonFacts())
    const clear = await uploadPhoto(
      server.url,
      owner,
      { width: 900, height: 600, hue: 200 },
      { alt: 'The pier at night' },
    )
    const hidden = await uploadPhoto(
      server.url,
      owner,
      { width: 600, height: 900, hue: 20 },
      { alt: 'The crane falls' },
    )
    const album = await apiAs(server.url, owner, 'POST', `${base}/posts`, {
      text: 'Week 12 at the pier',
      media: [{ id: clear.id }, { id: hidden.id, spoiler: true, spoilerLabel: 'Chapter 7' }],
      production: { weeks: { from: 11, to: 12 }, chapters: [7], location: 'Harbour pier' },
    })
    await apiAs(server.url, owner, 'POST', `${base}/posts`, {
      poll: { question: 'Which set for the finale?', options: ['Rooftop', 'Harbour'] },
    })
    const draft = await apiAs(server.url, owner, 'POST', `${base}/posts`, {
      text: 'Trailer drops Friday',
      status: 'draft',
    })
    await apiAs(server.url, owner, 'POST', `${base}/posts/${draft.id}/previews`, { label: 'Variety' })
    await apiAs(server.url, owner, 'POST', `${base}/digests`, {
      title: 'Weeks 11–12 highlights',
      weeks: { from: 11, to: 12 },
    })
    const inReview = await apiAs(server.url, owner, 'POST', `${base}/posts`, {
      text: 'Wrap party photos',
      status: 'draft',
    })
    await apiAs(server.url, owner, 'POST', `${base}/posts/${inReview.id}/review`, {})
    await apiAs(server.url, fan, 'PUT', `${base}/posts/${album.id}/reaction`, { emoji: '❤️' })
    // A report in the staff's queue, resolved so the fan has a notice about it (issue 17 point 4).
    const { caseId } = await apiAs(server.url, fan, 'POST', `${base}/reports`, {
      kind: 'post',
      postId: album.id,
      reason: 'spoiler',
      comment: 'The crane shot spoils chapter 7',
    })
    await apiAs(server.url, owner, 'POST', `${base}/reports/${caseId}/resolve`, { action: 'dismiss' })
    await apiAs(server.url, fan, 'POST', `${base}/reports`, {
      kind: 'post',
      postId: album.id,
      reason: 'other',
    })

    const studio = `/app/studio/${slug}`
    pages.push(
      { name: 'home (anonymous)', path: '/app', as: 'anonymous' },
      { name: 'log in', path: '/app/login', as: 'anonymous' },
      { name: 'sign up', path: '/app/signup', as: 'anonymous' },
      { name: 'join', path: `/join/${slug}`, as: 'anonymous' },
      { name: 'channel (anonymous)', path: `/app/c/${slug}`, as: 'anonymous' },
      { name: 'home', path: '/app', as: 'fan' },
      { name: 'channel', path: `/app/c/${slug}`, as: 'fan' },
      { name: 'timeline', path: `/app/c/${slug}/timeline`, as: 'fan' },
      { name: 'post', path: `/app/c/${slug}/p/${album.id}`, as: 'fan' },
      { name: 'search in a channel (media)', path: `/app/c/${slug}/search?q=harbour&tab=media`, as: 'fan' },
      { name: 'search (anonymous)', path: '/app/search?q=harbour', as: 'anonymous' },
      { name: 'notifications', path: '/app/settings/notifications', as: 'fan' },
      { name: 'account', path: '/app/settings/account', as: 'fan' },
      { name: 'notices', path: '/app/notices', as: 'fan' },
      { name: 'new channel', path: '/app/new', as: 'owner' },
      { name: 'composer', path: studio, as: 'owner' },
      { name: 'scheduled & drafts', path: `${studio}/schedule`, as: 'owner' },
      { name: 'a draft', path: `${studio}/schedule/${draft.id}`, as: 'owner' },
      { name: 'review queue', path: `${studio}/reviews`, as: 'owner' },
      { name: 'digests', path: `${studio}/digests`, as: 'owner' },
      { name: 'manage', path: `${studio}/settings`, as: 'owner' },
      { name: 'audit log', path: `${studio}/audit`, as: 'owner' },
      { name: 'reports', path: `${studio}/reports`, as: 'owner' },
      { name: 'analytics', path: `${studio}/analytics`, as: 'owner' },
      { name: 'staff view of a post', path: `${studio}/p/${album.id}`, as: 'owner' },
    )
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  // One test per page (the list is filled in beforeAll, so the tests are named by index). The page
  // is opened once at phone size and checked; a page with a desktop layout of its own is then resized
  // to desktop and checked again: the app's layout follows the viewport through CSS (and a
  // ResizeObserver in the charts), so a resize shows what a desktop load would, without a second
  // load. axe itself is most of the time (2 s a size on an idle machine, far more on a loaded one):
  // hence the generous timeout.
  for (let i = 0; i < 25; i++) {
    it(`page ${i + 1} of 25 has no violation at its sizes`, { timeout: 180_000 }, async () => {
      const page = pages[i]!
      const found: string[] = []
      const context = await browser.newContext({ viewport: VIEWPORTS.phone, serviceWorkers: 'block' })
      const person = page.as === 'owner' ? owner : page.as === 'fan' ? fan : null
      if (person)
        await context.addCookies([{ name: 'backlot_session', value: person.cookie, url: server.url }])
      const tab = await context.newPage()
      await openAppPage(tab, server.url + page.path, 60_000)
      for (const size of sizesOf(page.path)) {
        const viewport = VIEWPORTS[size]
        await tab.setViewportSize(viewport)
        await tab.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {})
        const violations = await axeViolations(tab)
        if (violations.length > 0)
          found.push(`${page.name} (${size}, ${page.as}):\n${describeViolations(violations)}`)
      }
      await context.close()
      expect(found.join('\n\n'), page.name).toBe('')
    })
  }
})

/**
 * The sizes a page is checked at. Every page at phone size. Desktop only where the layout differs
 * by width: the studio (/app/studio/…: studio.css turns the tab strip and the chapter rows into
 * their desktop form above 640 and 560 px, most of its pages use the 960 px `main.wide`, and the
 * analytics charts resize). The other pages have no width media query: on a desktop they are the
 * phone layout in a column of at most 640 px (styles.css `--max`), the same elements with the same
 * colours, only wider. Their desktop pass was about 14% of this file's time (measured per page).
 */
function sizesOf(path: string): (keyof typeof VIEWPORTS)[] {
  return path.startsWith('/app/studio/') ? ['phone', 'desktop'] : ['phone']
}
