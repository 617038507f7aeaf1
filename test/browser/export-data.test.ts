import { describe, expect, it } from 'vitest'
import { axeViolations, describeViolations } from './a11y.js'
import { collectErrors, register, withBrowser } from './helpers.js'
import { docScreenshots } from './studio-helpers.js'

const PASSWORD = 'a long passphrase'

/** Issue 17 point 2 in the app: "Export my data" on the account page — request, progress, download. */
describe('export my data (browser, sqlite)', () => {
  const shared = withBrowser()

  it('asks for the archive, shows when it is ready, and downloads it', async () => {
    const { server, browser } = shared
    await register(server.url, 'maya')
    const res = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ handle: 'maya', password: PASSWORD }),
    })
    expect(res.status).toBe(200)
    const cookie = /backlot_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      serviceWorkers: 'block',
    })
    await context.addCookies([{ name: 'backlot_session', value: cookie, url: server.url }])
    const page = await context.newPage()
    const errors = collectErrors(page)
    await page.goto(`${server.url}/app/settings/account`)
    await page.getByRole('heading', { name: 'Export my data' }).waitFor()
    await page.getByRole('button', { name: 'Export my data' }).click()
    const link = page.getByRole('link', { name: 'Download your archive' })
    await link.waitFor()
    expect(await page.getByText(/^Available until /).count()).toBe(1)
    await page.getByRole('heading', { name: 'Export my data' }).scrollIntoViewIfNeeded()
    await docScreenshots(page, 'export-data')
    const href = await link.getAttribute('href')
    const zip = await fetch(server.url + href!, { headers: { cookie: `backlot_session=${cookie}` } })
    expect(zip.status).toBe(200)
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK')
    expect(await axeViolations(page).then(describeViolations)).toBe('')

    // The owner exports a channel from the studio's Manage page.
    const made = await fetch(`${server.url}/api/v1/channels`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: `backlot_session=${cookie}`,
        'x-backlot-csrf': '1',
      },
      body: JSON.stringify({ slug: 'maya-on-set', title: 'Maya on set' }),
    })
    expect(made.status).toBe(201)
    await page.goto(`${server.url}/app/studio/maya-on-set/settings`)
    await page.getByRole('button', { name: 'Export channel' }).click()
    await page.getByRole('link', { name: 'Download your archive' }).waitFor()
    expect(errors).toEqual([])
    await context.close()
  })
})
