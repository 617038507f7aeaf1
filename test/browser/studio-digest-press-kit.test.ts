import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { uploadPhoto } from './fan-helpers.js'
import { apiAs, assertWebBuilt, launchBrowser, type Person, seedShow } from './helpers.js'
import { openStudio, PHONE } from './studio-helpers.js'

const shots = path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots')

/**
 * Issue 19 part 3 in the studio, for a digest: on the Digests tab the owner opens a digest's press
 * kit card, issues a link to a journalist, sees its opens and downloads once used, and revokes it.
 */
describe.each(testDatabases)('studio press kit of a digest (browser, %s)', (kind) => {
  let server: TestServer
  let browser: Browser
  let owner: Person
  const slug = 'harbour-diary'

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer(kind)
    browser = await launchBrowser()
    owner = (await seedShow(server.url, { creator: 'producer', fans: [], slug, title: 'Harbour Diary' }))
      .creator
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it("issues a digest's kit link, shows its opens and downloads, and revokes it", async () => {
    const posts = []
    for (const [hue, alt, text] of [
      [200, 'The pier at night', 'Night exteriors on the pier'],
      [30, 'Crew at dawn', 'Dawn call on the beach'],
    ] as const) {
      const photo = await uploadPhoto(server.url, owner, { width: 1200, height: 800, hue }, { alt })
      posts.push(
        await apiAs(server.url, owner, 'POST', `/api/v1/channels/${slug}/posts`, {
          text,
          media: [{ id: photo.id }],
        }),
      )
    }
    const digest = await apiAs(server.url, owner, 'POST', `/api/v1/channels/${slug}/digests`, {
      title: 'Harbour week',
      postIds: posts.map((p) => p.id),
    })
    const { page, context, errors } = await openStudio(browser, server.url, owner)
    await page.goto(`${server.url}/app/studio/${slug}/digests`)
    const article = page.locator(`[data-digest="${digest.id}"]`)
    await article.getByRole('button', { name: 'Press kit' }).click()
    const card = article.getByRole('region', { name: 'Press kit' })
    await expect.poll(() => card.textContent()).toContain('this digest')
    await card.getByLabel('Recipient').fill('Ana Ruiz')
    await card.getByLabel('Outlet').fill('Variety')
    await card.getByLabel('Press contact').fill('press@harbour.example')
    await card.getByLabel('Usage note').fill('Editorial use only')
    await card.getByRole('button', { name: 'Issue press kit link' }).click()
    const url = await page.locator('#kit-url').inputValue()
    expect(url).toMatch(/\/kit\/kit_[A-Za-z0-9_-]{43}$/)

    // The journalist opens the kit (both posts, in the digest's order) and downloads the zip.
    const kitPage = await (await fetch(url)).text()
    expect(kitPage.indexOf('Night exteriors on the pier')).toBeGreaterThan(-1)
    expect(kitPage.indexOf('Dawn call on the beach')).toBeGreaterThan(kitPage.indexOf('Night exteriors'))
    expect((await fetch(`${url}/press-kit.zip`)).status).toBe(200)

    // Closing and opening the card again reloads its list.
    await article.getByRole('button', { name: 'Close press kit' }).click()
    await article.getByRole('button', { name: 'Press kit' }).click()
    const [issued] = (
      await apiAs(server.url, owner, 'GET', `/api/v1/channels/${slug}/digests/${digest.id}/press-kits`)
    ).items
    expect(issued).toMatchObject({ digestId: digest.id, postId: null })
    const row = page.locator(`[data-press-kit="${issued.id}"]`)
    await expect.poll(() => row.textContent()).toContain('Ana Ruiz, Variety')
    await expect.poll(() => row.textContent()).toContain('downloaded once')
    expect(await row.textContent()).toContain('opened 1 time')

    mkdirSync(shots, { recursive: true })
    await page.setViewportSize(PHONE)
    await card.scrollIntoViewIfNeeded()
    // The sticky top bar would cover the card's heading in an element screenshot taller than the screen.
    await card.screenshot({
      path: path.join(shots, 'digest-press-kit-phone.png'),
      animations: 'disabled',
      style: '.topbar { position: static !important }',
    })

    await row.getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => row.getAttribute('class')).toBe('revoked')
    expect((await fetch(url)).status).toBe(404)
    expect(errors).toEqual([])
    await context.close()
  })
})
