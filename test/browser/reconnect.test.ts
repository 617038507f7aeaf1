import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { startTestServer, type TestServer } from '../_util/server.js'
import { apiAs, assertWebBuilt, launchBrowser, openAs, type Person, seedShow } from './helpers.js'

/**
 * Issue 5: the fan page survives a server restart — it shows "Reconnecting…", then resumes from its
 * last position on the new server (same database, same port) and shows posts published meanwhile.
 */
describe('fan page reconnects after a server restart (browser, sqlite)', () => {
  let first: TestServer
  let second: TestServer | undefined
  let browser: Browser
  let creator: Person
  let fan: Person
  const slug = 'night-shift'

  beforeAll(async () => {
    assertWebBuilt()
    first = await startTestServer('sqlite')
    browser = await launchBrowser()
    const show = await seedShow(first.url, {
      creator: 'gaffer',
      fans: ['nightowl'],
      slug,
      title: 'Night Shift',
    })
    creator = show.creator
    fan = show.fans[0]
    await apiAs(first.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, { text: 'Before the restart.' })
  })
  afterAll(async () => {
    await browser?.close()
    await second?.destroy()
    await first?.close()
    await first?.database.drop()
  })

  it('catches up on posts published while it was away', async () => {
    const tab = await openAs(browser, first.url, fan)
    const page = tab.page
    await page.goto(`${first.url}/app/c/${slug}`)
    await page.getByText('Before the restart.').waitFor()
    // Live before the restart.
    await apiAs(first.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, { text: 'Live post one.' })
    await page.getByText('Live post one.').waitFor()

    const port = new URL(first.url).port
    await first.close()
    await page.locator('[data-connection="reconnecting"]').waitFor()

    second = await startTestServer('sqlite', { database: first.database, env: { BACKLOT_PORT: port } })
    await apiAs(second.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: 'Published meanwhile A.',
    })
    await apiAs(second.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: 'Published meanwhile B.',
    })

    await page.getByText('Published meanwhile B.').waitFor({ timeout: 45_000 })
    await page.getByText('Published meanwhile A.').waitFor()
    await page.locator('[data-connection]').waitFor({ state: 'detached' })
    // And it is live again on the new server.
    await apiAs(second.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: 'After the restart, live.',
    })
    await page.getByText('After the restart, live.').waitFor()
    // Nothing duplicated by replay + reload.
    const texts = await page.locator('article.post .post-text').allInnerTexts()
    const counts = new Map<string, number>()
    for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1)
    for (const [t, n] of counts) if (n > 1) throw new Error(`"${t}" shown ${n} times`)
    await tab.context.close()
  })
})
