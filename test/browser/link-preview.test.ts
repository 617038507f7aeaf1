import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../_util/server.js'
import { apiAs, assertWebBuilt, launchBrowser, openAs, type Person, photo, seedShow } from './helpers.js'
import { docScreenshots, openStudio } from './studio-helpers.js'

/**
 * Link previews in the app (issue 18 part 4): a fan with the channel open sees the card arrive
 * under the post text (live, as a post.edited event), and the author removes it in the studio's
 * post editor. The linked page is a test site on loopback, allowed by port only.
 */
describe('link previews (browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let site: http.Server
  let creator: Person
  let fan: Person
  const slug = 'harbour-lights'
  let siteUrl: string

  beforeAll(async () => {
    assertWebBuilt()
    const image = await photo(1200, 630, 200)
    site = http.createServer((req, res) => {
      if (req.url === '/still.jpg')
        return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(image)
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head>
<meta property="og:title" content="Harbour Lights wraps its night shoot">
<meta property="og:description" content="Three weeks on the pier end with a sunrise take.">
<meta property="og:site_name" content="The Trade Paper">
<meta property="og:image" content="/still.jpg"></head><body></body></html>`)
    })
    site.listen(0, '127.0.0.1')
    await once(site, 'listening')
    const sitePort = (site.address() as AddressInfo).port
    server = await startTestServer('sqlite', {
      env: { BACKLOT_OUTBOUND_ALLOW_HTTP: 'true', BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS: String(sitePort) },
    })
    browser = await launchBrowser()
    const show = await seedShow(server.url, {
      creator: 'showrunner',
      fans: ['fan'],
      slug,
      title: 'Harbour Lights',
    })
    creator = show.creator
    fan = show.fans[0]
    siteUrl = `http://127.0.0.1:${sitePort}/news/wrap`
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
    site?.closeAllConnections()
    site?.close()
  })

  it('shows the card live in the fan app and lets the author remove it in the studio', async () => {
    const fanTab = await openAs(browser, server.url, fan, { width: 390, height: 844 })
    await fanTab.page.goto(`${server.url}/app/c/${slug}`)
    await fanTab.page.locator('h1').first().waitFor()
    const post = await apiAs(server.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: `That's a wrap on the pier! ${siteUrl}`,
    })

    const card = fanTab.page.locator(`[data-post-id="${post.id}"] .link-preview-card`)
    await card.waitFor()
    expect(await card.textContent()).toContain('Harbour Lights wraps its night shoot')
    expect(await card.textContent()).toContain('The Trade Paper')
    expect(await card.getAttribute('rel')).toBe('noopener nofollow ugc')
    expect(await card.getAttribute('href')).toBe(siteUrl)
    const src = await card.locator('img').getAttribute('src')
    expect(src).toMatch(new RegExp(`^${server.url}/media/`))
    await card.locator('img').evaluate(async (img) => {
      // Runs in the page; this file is type-checked without the DOM library.
      const element = img as any
      if (!element.complete) await new Promise((resolve) => element.addEventListener('load', resolve))
    })
    await docScreenshots(fanTab.page, 'link-preview', { fullPage: false })
    expect(fanTab.errors).toEqual([])

    const studio = await openStudio(browser, server.url, creator)
    await studio.page.goto(`${server.url}/app/studio/${slug}/p/${post.id}`)
    await studio.page.locator('.link-preview-card').waitFor()
    await studio.page.getByRole('button', { name: 'Remove link preview' }).click()
    await studio.page.locator('.link-preview-card').waitFor({ state: 'detached' })
    const after = await apiAs(server.url, fan, 'GET', `/api/v1/channels/${slug}/posts/${post.id}`)
    expect(after.linkPreview).toBeNull()
    // The fan's open app loses the card live too.
    await card.waitFor({ state: 'detached' })
    expect(studio.errors).toEqual([])
  })
})
