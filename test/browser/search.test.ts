import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../_util/server.js'
import { apiAs, assertWebBuilt, launchBrowser, openAs, type Person, seedShow } from './helpers.js'
import { docScreenshots } from './studio-helpers.js'

/**
 * Issue 19 in the app: a fan opens a channel, taps Search in its header, searches, and reads the
 * results with the matched words highlighted; a spoiler shows its label only; the Links tab keeps
 * the posts with links.
 */
describe('search in the app (browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let creator: Person
  let fan: Person
  const slug = 'harbour-lights'
  const base = `/api/v1/channels/${slug}`

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite')
    browser = await launchBrowser()
    const show = await seedShow(server.url, {
      creator: 'showrunner',
      fans: ['ana'],
      slug,
      title: 'Harbour Lights',
    })
    creator = show.creator
    fan = show.fans[0]
    for (const body of [
      { text: 'Night shoot at the lighthouse: the lamp finally works', production: undefined },
      { text: 'Behind the lighthouse set <b>not bold</b> — read more https://example.org/lighthouse' },
      { text: 'The keeper leaves the lighthouse forever', spoiler: true, spoilerLabel: 'Finale' },
      { text: 'Catering menu for week 3' },
    ]) {
      await apiAs(server.url, creator, 'POST', `${base}/posts`, body)
    }
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('searches a channel from its header and shows highlighted, escaped results', async () => {
    const tab = await openAs(browser, server.url, fan)
    await tab.page.goto(`${server.url}/app/c/${slug}`)
    await tab.page.locator('a.search-link').click()
    await tab.page.getByRole('heading', { name: 'Search this channel' }).waitFor()
    await tab.page.getByLabel('Search for').fill('lighthouse')
    await tab.page.getByRole('button', { name: 'Search', exact: true }).click()
    const results = tab.page.locator('[data-result]')
    await results.nth(2).waitFor()
    expect(await results.count()).toBe(3)
    // Matched words are <mark>ed; the post's own "<b>" stays text.
    expect(await tab.page.locator('mark', { hasText: 'lighthouse' }).count()).toBeGreaterThanOrEqual(2)
    expect(await tab.page.getByText('<b>not bold</b>', { exact: false }).count()).toBe(1)
    expect(await tab.page.locator('[data-result] b').count()).toBe(0)
    // The member's spoiler result shows its label, never its words.
    expect(await tab.page.getByText('Spoiler: Finale').count()).toBe(1)
    expect(await tab.page.getByText('keeper leaves').count()).toBe(0)
    await docScreenshots(tab.page, 'search')

    await tab.page.getByRole('button', { name: 'Links' }).click()
    await tab.page.waitForURL(/tab=links/)
    await tab.page.locator('[data-result]').first().waitFor()
    expect(await tab.page.locator('[data-result]').count()).toBe(1)
    expect(tab.errors).toEqual([])
    await tab.context.close()
  })

  it('finds the channel in the public directory, with its search form working without a script', async () => {
    const tab = await openAs(browser, server.url, null)
    await tab.page.goto(`${server.url}/c/`)
    await tab.page.getByLabel('Search channels').fill('harbour')
    await tab.page.getByRole('button', { name: 'Search' }).click()
    await tab.page.waitForURL(/\/c\/\?q=harbour/)
    await tab.page.getByRole('link', { name: 'Harbour Lights' }).waitFor()
    await docScreenshots(tab.page, 'directory')
    expect(tab.errors).toEqual([])
    await tab.context.close()
  })

  it('searches across channels from the top bar, for a visitor without an account', async () => {
    const tab = await openAs(browser, server.url, null)
    await tab.page.goto(`${server.url}/app/search?q=catering`)
    await tab.page.locator('[data-result]').first().waitFor()
    expect(await tab.page.locator('[data-result]').count()).toBe(1)
    expect(await tab.page.getByText('Harbour Lights ·').count()).toBe(1)
    expect(tab.errors).toEqual([])
    await tab.context.close()
  })
})
