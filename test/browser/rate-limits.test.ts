import { beforeAll, describe, expect, it } from 'vitest'
import { apiAs, openAs, screenshot, withShow } from './helpers.js'

/**
 * Issue 14, item 5: over a rate limit the web app says so plainly, where the action failed. Tiny
 * limits, and loopback (the browser's address) is not exempt here.
 */
describe('rate-limit answers in the web app (browser, sqlite)', () => {
  const slug = 'night-shoot'
  const show = withShow(
    { creator: 'director', fans: ['nightowl'], slug, title: 'Night Shoot' },
    {
      env: {
        BACKLOT_RATE_LIMIT_EXEMPT: '',
        BACKLOT_RATE_LIMIT_REACTIONS: '2/1m',
        BACKLOT_RATE_LIMIT_REGISTRATION: '2/1h',
      },
    },
  )
  beforeAll(async () => {
    await apiAs(show.server.url, show.creator, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: 'Day 12: rain machines.',
    })
  })

  it('tells a fan reacting too often to wait, and keeps the last accepted reaction', async () => {
    const { server, browser } = show
    const [fan] = show.fans
    const tab = await openAs(browser, server.url, fan)
    await tab.page.goto(`${server.url}/app/c/${slug}`)
    const post = tab.page.locator('article.post', { hasText: 'Day 12' })
    const fire = post.getByRole('button', { name: /^🔥/ })
    const count = () => post.locator('[data-count="🔥"]').textContent()
    await fire.click()
    await expect.poll(count).toBe('1')
    await fire.click()
    await expect.poll(count).toBe('0')
    await expect.poll(() => fire.isDisabled()).toBe(false)
    await fire.click()
    const alert = post.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(/^You’re doing that too often — try again in \d+ s\.$/)
    expect(await count()).toBe('0')
    await screenshot(tab.page, 'rate-limited-reaction.png')
    expect(tab.errors).toEqual([])
    await tab.context.close()
  })

  it('tells someone signing up too often from one address to wait', async () => {
    const { server, browser } = show
    const tab = await openAs(browser, server.url, null)
    await tab.page.goto(`${server.url}/app/signup`)
    await tab.page.getByLabel('Handle').fill('latecomer')
    await tab.page.getByLabel('Password').fill('a long passphrase')
    await tab.page.getByRole('button', { name: 'Sign up' }).click()
    const alert = tab.page.getByRole('alert')
    await alert.waitFor()
    // seedShow registered the two accounts this address may make in an hour.
    expect(await alert.textContent()).toMatch(/^You’re doing that too often — try again in \d+ min\.$/)
    await screenshot(tab.page, 'rate-limited-signup.png')
    await tab.context.close()
  })
})
