import type { Browser, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../_util/server.js'
import { plainClip } from '../_util/videos.js'
import { assertWebBuilt, launchBrowser, openAs, type Person, seedShow } from './helpers.js'

/**
 * Issue 20 part 1: the studio sends a clip as a resumable upload (tus-js-client). The first PATCH
 * loses its connection; the upload asks the server for its offset, sends the rest, and the clip
 * is processed and published.
 */
describe('resumable clip upload in the studio (browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let creator: Person
  const slug = 'second-unit'

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite', { env: { BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50' } })
    browser = await launchBrowser()
    const show = await seedShow(server.url, { creator: 'unitdirector', fans: [], slug, title: 'Second Unit' })
    creator = show.creator
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('finishes a clip whose connection dropped mid-upload, with progress, and posts it', async () => {
    const { page } = await openAs(browser, server.url, creator)
    const seen: string[] = []
    page.on('request', (req) => {
      if (req.url().includes('/uploads'))
        seen.push(`${req.method()} ${req.headers()['upload-offset'] ?? '-'}`)
    })
    let patches = 0
    let releaseHeld: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      releaseHeld = resolve
    })
    await page.route(`**/api/v1/channels/${slug}/uploads/*`, async (route: Route) => {
      if (route.request().method() !== 'PATCH') return route.continue()
      patches += 1
      // The first chunk's connection drops (as on a set's Wi-Fi); the retry is held until the
      // test has looked at the progress, then goes through.
      if (patches === 1) return route.abort('connectionreset')
      await held
      return route.continue()
    })

    await page.goto(`${server.url}/app/studio/${slug}`)
    await page.locator('#post-text').fill('Car jump, take 5')
    const clip = await plainClip(3, 640, 360)
    await page
      .locator('#photo-input')
      .setInputFiles([{ name: 'take5.mp4', mimeType: 'video/mp4', buffer: clip }])
    await expect.poll(() => patches, { timeout: 20_000 }).toBe(2)
    const uploading = page.locator('[data-upload="uploading"]')
    await uploading.waitFor()
    await uploading.evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await page.screenshot({ path: 'docs/screenshots/studio-resumable-upload-phone.png' })
    releaseHeld()

    await expect.poll(() => page.locator('[data-upload="ready"]').count(), { timeout: 60_000 }).toBe(1)
    // Created once, the dropped PATCH, the offset asked for, the rest sent from it.
    expect(seen.filter((s) => s.startsWith('POST'))).toHaveLength(1)
    expect(seen.filter((s) => s.startsWith('PATCH'))).toEqual(['PATCH 0', 'PATCH 0'])
    expect(seen).toContain('HEAD -')
    await page
      .getByPlaceholder('Describe the photo for people who can’t see it')
      .fill('The car over the ramp')
    await page.getByRole('button', { name: 'Publish', exact: true }).click()
    await page.getByText('Published.').waitFor()
    const posts = (await fetch(`${server.url}/api/v1/channels/${slug}/posts`).then((r) => r.json())) as {
      items: { media: { kind: string; alt: string }[] }[]
    }
    expect(posts.items[0]?.media.map((m) => [m.kind, m.alt])).toEqual([['video', 'The car over the ramp']])
  })
})
