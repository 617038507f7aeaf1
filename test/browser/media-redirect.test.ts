import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { uploadImage } from '../_util/images.js'
import { startS3Server } from '../_util/s3-server.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { launchBrowser, openAs, photo } from './helpers.js'

/**
 * Issue 7: with BACKLOT_S3_MEDIA_DELIVERY=redirect a real browser shows a public post's images, fetched
 * from the store after the 302 — which only works if the page's CSP allows the store's origin.
 */
describe('media by redirect in a browser (sqlite)', () => {
  let s3: Awaited<ReturnType<typeof startS3Server>>
  let server: TestServer
  let browser: Browser
  let postPath: string

  beforeAll(async () => {
    s3 = await startS3Server(['media'])
    server = await startTestServer('sqlite', {
      env: {
        ...s3.nodeEnv('media'),
        BACKLOT_S3_MEDIA_DELIVERY: 'redirect',
      },
    })
    browser = await launchBrowser()
    const owner = await seedAccount(server.ctx, 'owner')
    await seedChannel(server.ctx, owner.account, { slug: 'the-show' })
    const media = []
    for (const hue of [20, 200]) {
      const res = await uploadImage(server.url, owner.token, await photo(900, 600, hue), {
        alt: `Set ${hue}`,
      })
      expect(res.status).toBe(201)
      media.push({ id: res.body.id })
    }
    const post = await client(server.url, { token: owner.token }).post('/api/v1/channels/the-show/posts', {
      text: 'Day one on set',
      media,
    })
    expect(post.status, JSON.stringify(post.body)).toBe(201)
    postPath = `/c/the-show/p/${post.body.id}`
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
    await s3?.close()
  })

  it('loads every image of a public post page from the store, with no CSP violation', async () => {
    const { page, context, errors } = await openAs(browser, server.url, null)
    const fromStore: string[] = []
    page.on('response', (res) => {
      if (res.url().startsWith(`${s3.endpoint}/`) && res.status() === 200) fromStore.push(res.url())
    })
    await page.goto(server.url + postPath, { waitUntil: 'load' })
    // The page's images are loading="lazy": the browser fetches one only once it nears the
    // viewport, and at the load event it may not have started. Bring each into view and wait.
    const handles = await page.$$('img')
    expect(handles.length).toBeGreaterThanOrEqual(2)
    for (const handle of handles) {
      await handle.scrollIntoViewIfNeeded()
      await handle.waitForElementState('visible')
      await page.waitForFunction((img) => {
        const image = img as unknown as { currentSrc: string; complete: boolean }
        return image.currentSrc !== '' && image.complete
      }, handle)
    }
    const images = await page.$$eval('img', (imgs) =>
      imgs.map((img) => ({ src: img.currentSrc, loaded: img.complete && img.naturalWidth > 0 })),
    )
    for (const image of images) {
      expect(new URL(image.src).pathname, image.src).toMatch(/^\/media\//)
      expect(image.loaded, image.src).toBe(true)
    }
    expect(fromStore.length).toBeGreaterThanOrEqual(images.length)
    expect(errors).toEqual([])
    await context.close()
  })
})
