import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { overlaps, pinch, seasonFacts, swipe, uploadPhoto } from './fan-helpers.js'
import { apiAs, assertWebBuilt, launchBrowser, openAs, type Person, seedShow } from './helpers.js'

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1366, height: 900 }

/**
 * Issue 16 point 3 in Chromium: the fan app shows each post's production tags (linking to the
 * tagged posts and the timeline), a timeline page, a full-screen viewer for albums (keyboard,
 * touch swipe, focus trapped and restored, one tap reveals all of an album's spoilers), share with
 * a copy-link fallback, the jump to the first unread post, and the defects a new user found.
 */
describe.each(testDatabases)('the fan app (%s)', (kind) => {
  let server: TestServer
  let browser: Browser
  let creator: Person
  let fan: Person
  let albumId: string
  const slug = 'night-shoot'
  const url = (p: string) => `${server.url}${p}`

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer(kind)
    browser = await launchBrowser()
    const show = await seedShow(server.url, {
      creator: 'showrunner',
      fans: ['fanone'],
      slug,
      // Long enough to take two lines on a phone, as real titles do.
      title: 'The Night Shoot — Season 2 Set Diary',
      description: 'Season 2 from the set: stills, polls and the odd spoiler.',
    })
    creator = show.creator
    fan = show.fans[0]
    const post = (body: object) => apiAs(server.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, body)
    await apiAs(server.url, creator, 'PUT', `/api/v1/channels/${slug}/production`, seasonFacts())
    await post({
      text: 'Week 1: table read at the studio.',
      production: { weeks: { from: 1 }, chapters: [1], location: 'Studio A' },
    })
    await post({
      text: 'Which set for the finale?',
      poll: { question: 'Finale set?', options: ['Harbour', 'Rooftop'] },
    })
    await post({ text: 'Quiet housekeeping note.', silent: true })
    const photos = [
      await uploadPhoto(
        server.url,
        creator,
        { width: 1200, height: 800, hue: 20 },
        { alt: 'Crane over the harbour at dusk', credit: 'Jo Stills' },
      ),
      await uploadPhoto(
        server.url,
        creator,
        { width: 800, height: 1200, hue: 200 },
        { alt: 'The lead on the pier' },
      ),
      await uploadPhoto(
        server.url,
        creator,
        { width: 1200, height: 800, hue: 290 },
        { alt: 'Final scene rehearsal' },
      ),
    ]
    const album = await post({
      text: 'Weeks 11–14 of filming: night exteriors on the harbour.',
      media: [
        { id: photos[0]!.id },
        { id: photos[1]!.id, spoiler: true },
        { id: photos[2]!.id, spoiler: true },
      ],
      production: { weeks: { from: 11, to: 14 }, chapters: [8], location: 'Harbour', unit: 'Second unit' },
    })
    albumId = album.id
    // A second channel with only its owner: "1 member" on the fan's home page.
    await apiAs(server.url, creator, 'POST', '/api/v1/channels', { slug: 'solo-diary', title: 'Solo Diary' })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  const albumPost = (page: Page) => page.locator('article.post', { hasText: 'night exteriors' })

  it('shows production tags linking to the tagged posts and to the timeline', async () => {
    const { context, page, errors } = await openAs(browser, server.url, fan, PHONE)
    await page.goto(url(`/app/c/${slug}`))
    const tags = albumPost(page).getByRole('list', { name: 'Production tags' })
    await tags.waitFor()
    expect(await tags.locator('li').allTextContents()).toEqual([
      'Weeks 11–14',
      'Chapter 8',
      'Harbour',
      'Second unit',
    ])
    if (kind === 'sqlite') {
      await albumPost(page).locator('.album-cell img').first().waitFor()
      await page.screenshot({ path: path.join(shots, 'fan-channel-phone.png') })
    }

    // Chapter 8 → only the posts tagged with chapter 8.
    await tags.getByRole('link', { name: 'Story: Chapter 8' }).click()
    await page.getByText('Posts tagged').waitFor()
    expect(new URL(page.url()).search).toBe('?chapter=8')
    await expect.poll(() => page.locator('article.post').count()).toBe(1)
    expect(await page.locator('article.post').textContent()).toContain('night exteriors')
    await page.getByRole('link', { name: 'Show all posts' }).click()
    await expect.poll(() => page.locator('article.post').count()).toBe(4)

    // Weeks 11–14 → the timeline, at week 11.
    await albumPost(page).getByRole('link', { name: 'Filming: Weeks 11–14' }).click()
    await page.getByRole('heading', { name: 'Timeline' }).waitFor()
    expect(new URL(page.url()).hash).toBe('#week-11')
    const week11 = page.locator('#week-11')
    await week11.waitFor()
    const box = await week11.boundingBox()
    expect(box!.y).toBeGreaterThanOrEqual(0)
    expect(box!.y).toBeLessThan(PHONE.height)
    expect(errors).toEqual([])
    await context.close()
  })

  it('has a timeline page: weeks filmed, the last chapter, each week linking to its posts', async () => {
    for (const [name, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      const { context, page, errors } = await openAs(browser, server.url, fan, viewport)
      await page.goto(url(`/app/c/${slug}`))
      await page.getByRole('link', { name: 'Timeline' }).click()
      await page.locator('.timeline-summary').waitFor()
      expect(await page.locator('.timeline-summary').textContent()).toBe(
        'Weeks 1–14, Chapter 8 of 8 — the last chapter',
      )
      // Weeks 1 and 11–14 have posts (the album is tagged 11–14); 2–10 fold into one line.
      expect(await page.locator('.timeline-week').evaluateAll((els) => els.map((e) => e.id))).toEqual([
        'week-1',
        'week-11',
        'week-12',
        'week-13',
        'week-14',
      ])
      expect(await page.locator('.timeline-gap').textContent()).toBe('Weeks 2–10 · no posts')
      const week11 = page.locator('#week-11')
      expect(await week11.getByRole('link', { name: /^Chapter 8/ }).count()).toBe(1)
      // The cover keeps the photo's shape (3:2), whatever the column's width.
      const cover = await week11.locator('img.timeline-cover').boundingBox()
      expect(cover!.width / cover!.height).toBeCloseTo(1.5, 1)
      if (kind === 'sqlite') {
        if (name === 'desktop') await week11.scrollIntoViewIfNeeded()
        await week11
          .locator('img.timeline-cover')
          .evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode())
        await page.screenshot({ path: path.join(shots, `fan-timeline-${name}.png`) })
      }
      if (name === 'phone') {
        await week11.getByRole('link', { name: /^All 1 post of week 11$/ }).click()
        await page.getByText('Posts tagged').waitFor()
        expect(new URL(page.url()).search).toBe('?week=11')
        await expect.poll(() => page.locator('article.post').count()).toBe(1)
        await page.goBack()
        await page.locator('#week-1').getByRole('link', { name: 'Week 1: table read at the studio.' }).click()
        await page.locator('article.post', { hasText: 'table read' }).waitFor()
        expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/app/c/${slug}/p/`))
      }
      expect(errors).toEqual([])
      await context.close()
    }
  })

  it('keeps the public timeline page’s covers in shape (it was 15,040 px tall)', async () => {
    const { context, page } = await openAs(browser, server.url, null, DESKTOP)
    await page.goto(url(`/c/${slug}/timeline`))
    const covers = page.locator('img.cover')
    expect(await covers.count()).toBeGreaterThan(0)
    for (const cover of await covers.all()) {
      const box = (await cover.boundingBox())!
      const ratio = Number(await cover.getAttribute('width')) / Number(await cover.getAttribute('height'))
      expect(box.width / box.height).toBeCloseTo(ratio, 1)
    }
    await context.close()
  })

  it('lays the album out by aspect ratio with responsive images over blurhash placeholders', async () => {
    const { context, page } = await openAs(browser, server.url, fan, DESKTOP)
    await page.goto(url(`/app/c/${slug}`))
    const grid = albumPost(page).locator('.album-grid')
    await grid.waitFor()
    // One wide photo over two: the row's cells keep their shapes (2:3 portrait next to 3:2 hidden spoiler).
    const rows = grid.locator('.album-row')
    expect(await rows.count()).toBe(2)
    const first = await rows.nth(0).locator('.album-cell').boundingBox()
    expect(first!.width / first!.height).toBeCloseTo(1.5, 1)
    const [portrait, landscape] = [
      await rows.nth(1).locator('.album-cell').nth(0).boundingBox(),
      await rows.nth(1).locator('.album-cell').nth(1).boundingBox(),
    ]
    expect(Math.abs(portrait!.height - landscape!.height)).toBeLessThan(1.5)
    expect(landscape!.width / portrait!.width).toBeCloseTo(1.5 / (2 / 3), 0)
    const img = grid.locator('img').first()
    expect(await img.getAttribute('srcset')).toMatch(/\d+w, .+\d+w/)
    expect(await img.getAttribute('sizes')).toMatch(/vw, \d+px$/)
    expect(await grid.locator('canvas').count()).toBe(3) // a blurhash under every image
    await context.close()
  })

  it('reveals all of an album’s spoiler images with one tap', async () => {
    const { context, page, errors } = await openAs(browser, server.url, fan, PHONE)
    await page.goto(url(`/app/c/${slug}`))
    const grid = albumPost(page).locator('.album-grid')
    await grid.waitFor()
    expect(await grid.locator('[data-spoiler="hidden"]').count()).toBe(2)
    expect(await grid.locator('img').count()).toBe(1) // hidden means not downloaded
    await grid.locator('[data-spoiler="hidden"]').first().click()
    await expect.poll(() => grid.locator('img').count()).toBe(3)
    expect(await grid.locator('[data-spoiler="hidden"]').count()).toBe(0)
    // Remembered on this device.
    await page.reload()
    await albumPost(page).locator('.album-grid img').nth(2).waitFor()
    expect(await page.locator('[data-spoiler="hidden"]').count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })

  it('opens a full-screen viewer: keys move, Tab stays inside, Escape closes and gives focus back', async () => {
    const { context, page, errors } = await openAs(browser, server.url, fan, DESKTOP)
    await page.emulateMedia({ reducedMotion: 'reduce' }) // no slide transition in the screenshot
    await page.goto(url(`/app/c/${slug}`))
    const opener = albumPost(page).locator('.album-cell').first()
    await opener.click()
    const viewer = page.locator('dialog.viewer[open]')
    await viewer.waitFor()
    expect(await viewer.locator('.viewer-count').textContent()).toBe('1 / 3')
    expect(await viewer.locator('.viewer-alt').textContent()).toBe('Crane over the harbour at dusk')
    expect(await viewer.locator('.viewer-credit').textContent()).toBe('Photo: Jo Stills')
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => viewer.getAttribute('data-index')).toBe('1')
    // A hidden spoiler in the viewer: its label and one button, no alt text (it could spoil).
    const spoiler = viewer.locator('.viewer-slide').nth(1).locator('[data-spoiler="hidden"]')
    expect(await spoiler.textContent()).toContain('Spoiler')
    expect(await viewer.locator('.viewer-alt').count()).toBe(0)
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab')
      expect(
        await page.evaluate(() => !!(globalThis as any).document.activeElement?.closest('dialog.viewer')),
      ).toBe(true)
    }
    await page.keyboard.press('Shift+Tab')
    expect(
      await page.evaluate(() => !!(globalThis as any).document.activeElement?.closest('dialog.viewer')),
    ).toBe(true)
    // One tap in the viewer reveals both spoilers: this photo and the next.
    await spoiler.getByRole('button', { name: 'Show spoilers' }).click()
    await viewer.locator('.viewer-slide').nth(1).locator('img').waitFor()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => viewer.getAttribute('data-index')).toBe('2')
    await viewer.locator('.viewer-slide').nth(2).locator('img').waitFor()
    expect(await viewer.locator('.viewer-alt').textContent()).toBe('Final scene rehearsal')
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => viewer.getAttribute('data-index')).toBe('1')
    if (kind === 'sqlite') {
      await viewer
        .locator('.viewer-slide')
        .nth(1)
        .locator('img')
        .evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode())
      await page.screenshot({ path: path.join(shots, 'fan-viewer-desktop.png') })
    }
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('dialog.viewer').count()).toBe(0)
    expect(await opener.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true)
    // The grid behind shows them too.
    expect(await albumPost(page).locator('[data-spoiler="hidden"]').count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })

  it('swipes between photos by touch and zooms with a double tap or a pinch on a phone', async () => {
    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 1,
      hasTouch: true,
      isMobile: true,
      reducedMotion: 'reduce', // the zoom is read without waiting for its transition
      serviceWorkers: 'block',
    })
    await context.addCookies([{ name: 'backlot_session', value: fan.cookie, url: server.url }])
    const page = await context.newPage()
    await page.goto(url(`/app/c/${slug}`))
    await albumPost(page).locator('.album-cell').first().tap()
    const viewer = page.locator('dialog.viewer[open]')
    await viewer.waitFor()
    const stage = await viewer.locator('.viewer-stage').boundingBox()
    const middle = { x: stage!.x + stage!.width / 2, y: stage!.y + stage!.height / 2 }
    await swipe(page, { x: middle.x + 120, y: middle.y }, -240)
    await expect.poll(() => viewer.getAttribute('data-index')).toBe('1')
    await swipe(page, { x: middle.x - 120, y: middle.y }, 240)
    await expect.poll(() => viewer.getAttribute('data-index')).toBe('0')
    // A short move springs back.
    await swipe(page, { x: middle.x, y: middle.y }, -20)
    expect(await viewer.getAttribute('data-index')).toBe('0')
    // Double tap zooms in; the "Fit" button (and another double tap) zooms out.
    await page.touchscreen.tap(middle.x, middle.y)
    await page.touchscreen.tap(middle.x, middle.y)
    await viewer.getByRole('button', { name: 'Fit' }).waitFor()
    const scale = () =>
      viewer
        .locator('.viewer-slide')
        .nth(0)
        .locator('img')
        .evaluate((img) => (globalThis as any).getComputedStyle(img).transform)
    expect(await scale()).toMatch(/^matrix\(2\.5, 0, 0, 2\.5,/)
    await viewer.getByRole('button', { name: 'Fit' }).tap()
    expect(await scale()).toBe('matrix(1, 0, 0, 1, 0, 0)')
    // Pinch: fingers 100 px apart spread to 200 px, the photo twice as large.
    await pinch(page, middle, 100, 200)
    expect(await scale()).toMatch(/^matrix\(2, 0, 0, 2,/)
    await viewer.getByRole('button', { name: 'Fit' }).tap()
    if (kind === 'sqlite') {
      await viewer
        .locator('.viewer-slide')
        .nth(0)
        .locator('img')
        .evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode())
      await page.screenshot({ path: path.join(shots, 'fan-viewer-phone.png') })
    }
    await context.close()
  })

  it('keeps the chosen option’s label in line with the others after a vote', async () => {
    const { context, page, errors } = await openAs(browser, server.url, fan, PHONE)
    await page.goto(url(`/app/c/${slug}`))
    const poll = page.locator('article.post', { hasText: 'Finale set?' })
    await poll.getByRole('button', { name: 'Rooftop' }).click()
    await poll.getByText('your vote').waitFor()
    const labels = poll.locator('.bar-option .bar-label')
    expect(await labels.count()).toBe(2)
    const [other, chosen] = [await labels.nth(0).boundingBox(), await labels.nth(1).boundingBox()]
    expect(Math.abs(chosen!.x - other!.x)).toBeLessThan(1)
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows fans no "silent", staff do; "1 member"; /favicon.ico answers', async () => {
    const fanTab = await openAs(browser, server.url, fan, PHONE)
    await fanTab.page.goto(url(`/app/c/${slug}`))
    const quiet = fanTab.page.locator('article.post', { hasText: 'Quiet housekeeping' })
    await quiet.waitFor()
    expect(await quiet.locator('header').textContent()).not.toContain('silent')
    await fanTab.page.goto(url('/'))
    const solo = fanTab.page.locator('li', { hasText: 'Solo Diary' })
    await solo.waitFor()
    expect(await solo.textContent()).toContain('1 member')
    expect(await solo.textContent()).not.toContain('1 members')
    const favicon = await fanTab.page.request.get(url('/favicon.ico'))
    expect(favicon.status()).toBe(200)
    expect((await favicon.body()).readUInt16LE(2)).toBe(1) // an ICO file: type 1, icon
    await fanTab.context.close()

    const staffTab = await openAs(browser, server.url, creator, PHONE)
    await staffTab.page.goto(url(`/app/c/${slug}`))
    const staffQuiet = staffTab.page.locator('article.post', { hasText: 'Quiet housekeeping' })
    await staffQuiet.waitFor()
    expect(await staffQuiet.locator('header').textContent()).toContain('· silent')
    await staffTab.context.close()
  })

  it('shares with the Web Share API where there is one, else copies the public link', async () => {
    const postUrl = url(`/c/${slug}/p/${albumId}`)
    // No Web Share (desktop Chromium on Linux): the link is copied, with a visible confirmation.
    const copy = await openAs(browser, server.url, fan, DESKTOP)
    await copy.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    await copy.page.addInitScript(() => {
      delete (globalThis as any).Navigator.prototype.share
    })
    await copy.page.goto(url(`/app/c/${slug}`))
    await albumPost(copy.page).getByRole('button', { name: 'Share' }).click()
    await albumPost(copy.page).getByRole('status').getByText('Link copied').waitFor()
    expect(await copy.page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(postUrl)
    await copy.context.close()
    // With Web Share: the share sheet gets the same link.
    const sheet = await openAs(browser, server.url, fan, PHONE)
    await sheet.page.addInitScript(() => {
      const w = globalThis as any
      w.shared = []
      Object.defineProperty(w.Navigator.prototype, 'share', {
        configurable: true,
        value: async (data: unknown) => void w.shared.push(data),
      })
    })
    await sheet.page.goto(url(`/app/c/${slug}`))
    await albumPost(sheet.page).getByRole('button', { name: 'Share' }).click()
    await expect
      .poll(() => sheet.page.evaluate(() => (globalThis as any).shared))
      .toEqual([{ title: 'Post by Showrunner', url: postUrl }])
    await sheet.context.close()
  })

  it('jumps to the first unread post; the new-post pill never covers the title', async () => {
    const { context, page, errors } = await openAs(browser, server.url, fan, PHONE)
    await page.goto(url(`/app/c/${slug}`))
    await albumPost(page).waitFor() // read up to the newest post
    const post = (text: string) =>
      apiAs(server.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, { text })
    await page.close()
    await post('Call sheet for Monday.')
    await post('Wrap party photos soon.')
    const again = await context.newPage()
    await again.goto(url(`/app/c/${slug}`))
    const jump = again.getByRole('button', { name: /Jump to first unread \(2 new\)/ })
    await jump.click()
    const divider = again.locator('#first-unread')
    await expect
      .poll(() => again.evaluate(() => (globalThis as any).document.activeElement?.id))
      .toBe('first-unread')
    // The divider sits right above the older of the two unread posts.
    expect(
      await divider.evaluate((el) => el.nextElementSibling?.textContent?.includes('Call sheet for Monday.')),
    ).toBe(true)

    // Scrolled down, a new post waits behind the pill; the pill stays clear of the channel title.
    await again.evaluate(() => (globalThis as any).scrollTo(0, 600))
    await post('Night 64: rain machines on.')
    const pill = again.getByRole('button', { name: /1 new post/ })
    await pill.waitFor()
    const title = again.getByRole('heading', { level: 1 })
    for (const y of [600, 300, 100, 60, 45]) {
      await again.evaluate((top) => (globalThis as any).scrollTo(0, top), y)
      expect(overlaps((await pill.boundingBox())!, (await title.boundingBox())!), `scrolled to ${y}`).toBe(
        false,
      )
    }
    await pill.click()
    await again.locator('article.post', { hasText: 'Night 64' }).waitFor()
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows the channel page on a desktop', async () => {
    if (kind !== 'sqlite') return
    const { context, page } = await openAs(browser, server.url, fan, DESKTOP)
    await page.goto(url(`/app/c/${slug}`))
    await albumPost(page).locator('.album-cell img').first().waitFor()
    await albumPost(page).scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(shots, 'fan-channel-desktop.png') })
    await context.close()
  })
})
