import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, client } from '../_util/client.js'
import { uploadImage } from '../_util/images.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { assertWebBuilt, launchBrowser, openAs, photo, screenshot } from './helpers.js'

/**
 * Issue 6: the public channel page works without JavaScript and comes alive with it (the island,
 * web/src/island): new posts behind a pill, counts and edits in place, spoilers revealed on tap and
 * remembered on the device — with the pages' CSP intact (a violation shows up as a console error).
 */
describe('public pages hydrate (browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let creator: Client
  let fan: Client
  let spoilerMediaId: string
  let spoilerPostId: string
  let spoilerTextPostId: string
  const slug = 'night-unit'
  const posts = `/api/v1/channels/${slug}/posts`

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite')
    browser = await launchBrowser()
    const owner = await seedAccount(server.ctx, 'producer')
    const member = await seedAccount(server.ctx, 'fanone')
    const channel = await seedChannel(server.ctx, owner.account, { slug, title: 'Night Unit' })
    await seedMember(server.ctx, channel, member.account, null)
    creator = client(server.url, { token: owner.token })
    fan = client(server.url, { token: member.token })
    const upload = async (hue: number, spoiler: boolean) => {
      const res = await uploadImage(server.url, owner.token, await photo(900, 600, hue), {
        alt: spoiler ? 'The villain unmasked' : 'Harbour at dusk',
        spoiler: String(spoiler),
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return res.body.id as string
    }
    const [plain, hidden] = [await upload(200, false), await upload(20, true)]
    spoilerMediaId = hidden
    const album = await creator.post(posts, {
      text: 'Week 12: the harbour, and one shot you should not see yet.',
      media: [{ id: plain }, { id: hidden }],
    })
    expect(album.status, JSON.stringify(album.body)).toBe(201)
    spoilerPostId = album.body.id
    const hiddenPost = await creator.post(posts, {
      text: 'The mentor was the villain all along.',
      spoiler: true,
      spoilerLabel: 'Chapter 8',
    })
    expect(hiddenPost.status).toBe(201)
    spoilerTextPostId = hiddenPost.body.id
    expect((await creator.post(posts, { text: 'Call time 18:00 for the night exteriors.' })).status).toBe(201)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('shows posts without JavaScript, and never the unblurred spoiler image', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(`${server.url}/c/${slug}`)
    await page.getByText('Call time 18:00 for the night exteriors.').waitFor()
    await page.getByText('Week 12: the harbour').waitFor()
    const html = await page.content()
    expect(html).toContain(`/media/${spoilerMediaId}/blur.jpg`)
    expect(html).not.toMatch(new RegExp(`/media/${spoilerMediaId}/(?!blur\\.jpg)`))
    expect(html).not.toContain('The mentor was the villain')
    expect(html).toContain('Spoiler: Chapter 8')
    // Without the island, times stay absolute and there is no app bar.
    expect(await page.locator('time').first().textContent()).toMatch(/UTC$/)
    expect(await page.locator('nav.app-links').count()).toBe(0)
    await context.close()
  })

  it('goes live: new posts behind a pill, counts and edits in place, deletions removed', async () => {
    const tab = await openAs(browser, server.url, null)
    const { page } = tab
    await page.goto(`${server.url}/c/${slug}`)
    // The island ran: links into the app, relative times (the exact time kept as the title).
    await page.locator('nav.app-links a', { hasText: 'Open in app' }).waitFor()
    expect(await page.locator('nav.app-links a', { hasText: 'Join' }).getAttribute('href')).toBe(
      `/join/${slug}`,
    )
    const time = page.locator('article.post time').first()
    await expect.poll(() => time.getAttribute('title')).toMatch(/UTC$/)
    expect(await time.textContent()).not.toMatch(/UTC$/)

    const fresh = await creator.post(posts, { text: 'Wrap on the harbour — thank you, crew!' })
    expect(fresh.status).toBe(201)
    const pill = page.locator('.live-pill')
    await pill.getByText('1 new post — show').waitFor({ timeout: 10_000 })
    expect(await page.getByText('Wrap on the harbour').count()).toBe(0)
    await pill.click()
    const card = page.locator(`article[data-post="${fresh.body.id}"]`)
    await card.getByText('Wrap on the harbour — thank you, crew!').waitFor()
    expect(await page.locator('article.post').first().getAttribute('data-post')).toBe(fresh.body.id)
    await screenshot(page, 'public-channel-live.png')

    expect(await card.locator('[data-reactions]').textContent()).toBe('0')
    expect((await fan.put(`${posts}/${fresh.body.id}/reaction`, { emoji: '🔥' })).status).toBe(200)
    await expect.poll(() => card.locator('[data-reactions]').textContent(), { timeout: 10_000 }).toBe('1')

    expect(
      (await creator.patch(`${posts}/${fresh.body.id}`, { text: 'Wrap on the harbour (edited)' })).status,
    ).toBe(200)
    await card.getByText('Wrap on the harbour (edited)').waitFor({ timeout: 10_000 })
    expect((await creator.delete(`${posts}/${fresh.body.id}`)).status).toBe(204)
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(0)
    expect(tab.errors).toEqual([])
    await tab.context.close()
  })

  it('keeps a post page live: counts and edits in place, a deletion marked', async () => {
    const post = await creator.post(posts, {
      text: 'Poll coming up',
      poll: { question: 'Pier or rooftop?', options: ['Pier', 'Rooftop'] },
    })
    expect(post.status).toBe(201)
    const tab = await openAs(browser, server.url, null)
    const { page } = tab
    await page.goto(`${server.url}/c/${slug}/p/${post.body.id}`)
    await page.locator('nav.app-links').waitFor()
    const article = page.locator(`article[data-post="${post.body.id}"]`)
    expect(await article.locator('[data-voters]').textContent()).toBe('0')
    expect((await fan.put(`${posts}/${post.body.id}/vote`, { options: [1] })).status).toBe(200)
    await expect.poll(() => article.locator('[data-voters]').textContent(), { timeout: 10_000 }).toBe('1')
    await expect.poll(() => article.locator('[data-votes="1"]').textContent(), { timeout: 10_000 }).toBe('1')
    expect((await fan.put(`${posts}/${post.body.id}/reaction`, { emoji: '😮' })).status).toBe(200)
    await expect.poll(() => article.locator('[data-reactions]').textContent(), { timeout: 10_000 }).toBe('1')
    expect((await creator.patch(`${posts}/${post.body.id}`, { text: 'Poll is open' })).status).toBe(200)
    await article.getByText('Poll is open').waitFor({ timeout: 10_000 })
    expect(await article.locator('[data-voters]').textContent()).toBe('1')
    expect((await creator.delete(`${posts}/${post.body.id}`)).status).toBe(204)
    await article.getByText('This post was deleted.').waitFor({ timeout: 10_000 })
    expect(tab.errors).toEqual([])
    await tab.context.close()
  })

  it('reveals a spoiler image on tap, and keeps it revealed on this device after a reload', async () => {
    const tab = await openAs(browser, server.url, null)
    const { page } = tab
    await page.goto(`${server.url}/c/${slug}`)
    await page.locator('nav.app-links').waitFor()
    const figure = page.locator(`figure[data-spoiler-media="${spoilerMediaId}"]`)
    const img = figure.locator('img')
    expect(await img.getAttribute('src')).toContain(`/media/${spoilerMediaId}/blur.jpg`)
    await figure.click()
    await expect
      .poll(() => img.getAttribute('src'))
      .toMatch(new RegExp(`/media/${spoilerMediaId}/\\d+\\.jpg$`))
    expect(await figure.getAttribute('data-revealed')).toBe('')
    expect(await img.getAttribute('alt')).toBe('The villain unmasked')
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0)
    expect(page.url()).toBe(`${server.url}/c/${slug}`) // revealed in place, not by following the link
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
        ).localStorage.getItem('backlot.revealed'),
      ),
    ).toContain(`media:${spoilerMediaId}`)

    await page.reload()
    await expect
      .poll(() => page.locator(`figure[data-spoiler-media="${spoilerMediaId}"] img`).getAttribute('src'))
      .toMatch(new RegExp(`/media/${spoilerMediaId}/\\d+\\.jpg$`))
    // The post page of the same post reads the same memory.
    await page.goto(`${server.url}/c/${slug}/p/${spoilerPostId}`)
    await expect
      .poll(() => page.locator(`figure[data-spoiler-media="${spoilerMediaId}"] img`).getAttribute('src'))
      .toMatch(new RegExp(`/media/${spoilerMediaId}/\\d+\\.jpg$`))

    // A spoiler post: its text comes from the API on tap, and stays open after a reload too.
    const hidden = page.locator(`article[data-post="${spoilerTextPostId}"]`)
    await page.goto(`${server.url}/c/${slug}`)
    await hidden.getByText('Show the spoiler').click()
    await hidden.getByText('The mentor was the villain all along.').waitFor()
    expect(page.url()).toBe(`${server.url}/c/${slug}`)
    await page.reload()
    await hidden.getByText('The mentor was the villain all along.').waitFor()
    expect(tab.errors).toEqual([])
    await tab.context.close()
  })
})
