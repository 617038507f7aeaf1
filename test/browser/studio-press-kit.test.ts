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
 * Issue 19 part 3 in the studio: the owner opens a published album, issues a press kit link to a
 * journalist (recipient, outlet, contact, usage note), copies it, sees the link with its opens and
 * downloads once the journalist used it, and revokes it.
 */
describe.each(testDatabases)('studio press kit (browser, %s)', (kind) => {
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

  it('issues a kit link to a journalist, shows its opens and downloads, and revokes it', async () => {
    const media = [
      await uploadPhoto(
        server.url,
        owner,
        { width: 1200, height: 800, hue: 200 },
        { alt: 'The pier at night', credit: 'Stills unit' },
      ),
      await uploadPhoto(server.url, owner, { width: 1200, height: 800, hue: 30 }, { alt: 'Crew at dawn' }),
    ]
    const post = await apiAs(server.url, owner, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: 'Night exteriors on the pier',
      media: media.map((m) => ({ id: m.id })),
    })
    const { page, context, errors } = await openStudio(browser, server.url, owner)
    await page.goto(`${server.url}/app/studio/${slug}/p/${post.id}`)
    const card = page.getByRole('region', { name: 'Press kit' })
    await card.getByLabel('Recipient').fill('Ana Ruiz')
    await card.getByLabel('Outlet').fill('Variety')
    await card.getByLabel('Press contact').fill('press@harbour.example')
    await card.getByLabel('Usage note').fill('Editorial use only, credit the stills unit')
    await card.getByRole('button', { name: 'Issue press kit link' }).click()
    const url = await page.locator('#kit-url').inputValue()
    expect(url).toMatch(/\/kit\/kit_[A-Za-z0-9_-]{43}$/)

    // The journalist opens the kit and downloads the zip; the studio shows it after a reload.
    expect((await fetch(url)).status).toBe(200)
    expect((await fetch(`${url}/press-kit.zip`)).status).toBe(200)
    await page.reload()
    const [issued] = (
      await apiAs(server.url, owner, 'GET', `/api/v1/channels/${slug}/posts/${post.id}/press-kits`)
    ).items
    const row = page.locator(`[data-press-kit="${issued.id}"]`)
    await expect.poll(() => row.textContent()).toContain('Ana Ruiz, Variety')
    await expect.poll(() => row.textContent()).toContain('downloaded once')
    expect(await row.textContent()).toContain('opened 1 time')

    mkdirSync(shots, { recursive: true })
    await page.setViewportSize(PHONE)
    await card.scrollIntoViewIfNeeded()
    await card.screenshot({ path: path.join(shots, 'press-kit-phone.png'), animations: 'disabled' })

    await row.getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => row.getAttribute('class')).toBe('revoked')
    expect((await fetch(url)).status).toBe(404)
    expect(errors).toEqual([])
    await context.close()
  })
})
