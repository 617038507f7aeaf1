import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, client } from '../_util/client.js'
import { uploadImage } from '../_util/images.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { assertWebBuilt, collectErrors, launchBrowser, photo } from './helpers.js'
import { PHONE } from './studio-helpers.js'

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')

/**
 * Issue 16 point 4 on the public pages, in a browser that prefers Spanish: the server renders the
 * page in Spanish and the island (web/src/island) speaks the page's language too — its links,
 * relative times, and a live count whose plural form changes with the number.
 */
describe('a public post page in Spanish (browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let fan: Client
  let postId: string
  const slug = 'the-show'
  const posts = `/api/v1/channels/${slug}/posts`

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite')
    browser = await launchBrowser()
    const owner = await seedAccount(server.ctx, 'showrunner')
    const member = await seedAccount(server.ctx, 'fan')
    const channel = await seedChannel(server.ctx, owner.account, { slug, title: 'The Show — on set' })
    await seedMember(server.ctx, channel, member.account, null)
    const creator = client(server.url, { token: owner.token })
    fan = client(server.url, { token: member.token })
    const production = await creator.put(`/api/v1/channels/${slug}/production`, {
      kind: 'series',
      title: 'The Show',
      season: 2,
      chapters: Array.from({ length: 8 }, (_, i) => ({ title: i === 7 ? 'The Last Chapter' : null })),
      filmingStartsOn: '2026-01-05',
      filmingWeeks: 14,
    })
    expect(production.status, JSON.stringify(production.body)).toBe(200)
    const media: string[] = []
    for (const hue of [200, 30]) {
      const res = await uploadImage(server.url, owner.token, await photo(900, 600, hue), {
        alt: hue === 200 ? 'Harbour at dusk' : 'Stage 4, night exterior',
        credit: 'Unit stills',
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      media.push(res.body.id)
    }
    const post = await creator.post(posts, {
      text: 'Weeks 11–14 on set: the harbour and Stage 4.',
      media: media.map((id) => ({ id })),
      production: { weeks: { from: 11, to: 14 }, chapters: [8], location: 'Stage 4' },
    })
    expect(post.status, JSON.stringify(post.body)).toBe(201)
    postId = post.body.id
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('shows the page and the island in Spanish, and updates a count with its plural', async () => {
    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 1,
      serviceWorkers: 'block',
      locale: 'es-ES',
      timezoneId: 'Europe/Madrid',
    })
    const page = await context.newPage()
    const errors = collectErrors(page)
    const res = await page.goto(`${server.url}/c/${slug}/p/${postId}`)
    expect(res?.headers()['content-language']).toBe('es')
    expect(await page.locator('html').getAttribute('lang')).toBe('es')
    // The server's words.
    await page.getByText('Semanas 11–14').waitFor()
    await page.getByText('Capítulo 8: The Last Chapter').waitFor()
    await page.getByRole('link', { name: 'Cronología de la producción' }).waitFor()
    // The island's: links into the app and a relative time, in the page's language.
    await page.locator('nav.app-links a', { hasText: 'Abrir en la app' }).waitFor()
    await page.locator('nav.app-links a', { hasText: 'Unirse' }).waitFor()
    const time = page.locator('article.post time').first()
    await expect.poll(() => time.getAttribute('title')).toMatch(/UTC$/)
    expect(await time.textContent()).toMatch(/^(ahora|hace )/)

    const label = page.locator('[data-count-label="reactions"]')
    expect(await label.textContent()).toBe('0 reacciones')
    expect((await fan.put(`${posts}/${postId}/reaction`, { emoji: '🔥' })).status).toBe(200)
    await expect.poll(() => label.textContent(), { timeout: 10_000 }).toBe('1 reacción')
    expect(await label.locator('[data-reactions]').textContent()).toBe('1')

    mkdirSync(shots, { recursive: true })
    await page.evaluate(async () => {
      const w = globalThis as any
      w.scrollTo(0, 0)
      await w.document.fonts.ready
    })
    await page.screenshot({ path: path.join(shots, 'public-post-es-phone.png'), fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })
})
