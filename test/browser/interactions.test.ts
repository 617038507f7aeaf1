import { beforeAll, describe, expect, it } from 'vitest'
import { apiAs, openAs, screenshot, withShow } from './helpers.js'

/** Issue 5: a fan reacts and votes in the browser; a second fan's open page sees the counts move. */
describe('reactions and votes seen live by another fan (browser, sqlite)', () => {
  const slug = 'finale-watch'
  const show = withShow({
    creator: 'producer',
    fans: ['fana', 'fanb'],
    slug,
    title: 'Finale Watch',
    description: 'Chapter 8 is being shot.',
  })
  beforeAll(async () => {
    const { server, creator } = show
    await apiAs(server.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: 'Where should the finale end?',
      poll: { question: 'Finale location?', options: ['Harbour', 'Rooftop', 'Forest'] },
    })
    await apiAs(server.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: 'Day 63: last night exterior. https://example.org/day63',
    })
  })

  it('updates the second fan’s reaction and vote counts without reload', async () => {
    const { server, browser } = show
    const [fanA, fanB] = show.fans
    const a = await openAs(browser, server.url, fanA)
    const b = await openAs(browser, server.url, fanB)
    for (const tab of [a, b]) {
      await tab.page.goto(`${server.url}/app/c/${slug}`)
      await tab.page.getByText('Day 63: last night exterior.').waitFor()
    }
    await screenshot(b.page, 'channel-page-phone.png')

    const textPost = (tab: typeof a) => tab.page.locator('article.post', { hasText: 'Day 63' })
    const pollPost = (tab: typeof a) => tab.page.locator('article.post', { hasText: 'Finale location?' })
    const fireCount = (tab: typeof a) => textPost(tab).locator('[data-count="🔥"]').textContent()
    expect(await fireCount(b)).toBe('0')

    await textPost(a).getByRole('button', { name: /^🔥/ }).click()
    await expect.poll(() => fireCount(a)).toBe('1')
    await expect.poll(() => fireCount(b), { timeout: 10_000 }).toBe('1')
    expect(await textPost(a).getByRole('button', { name: /^🔥/ }).getAttribute('aria-pressed')).toBe('true')

    await pollPost(b).getByText('0 votes').waitFor()
    await pollPost(a).getByRole('button', { name: 'Rooftop' }).click()
    await pollPost(a).getByText('your vote').waitFor()
    await pollPost(b).getByText('1 vote', { exact: false }).waitFor({ timeout: 10_000 })

    // Fan B votes too: both now see results as bars with the live numbers.
    await pollPost(b).getByRole('button', { name: 'Harbour' }).click()
    await expect
      .poll(() => pollPost(a).locator('[data-votes="0"]').textContent(), { timeout: 10_000 })
      .toContain('1')
    await expect.poll(() => pollPost(b).locator('[data-votes="1"]').textContent()).toContain('1')
    expect(a.errors).toEqual([])
    expect(b.errors).toEqual([])
  })
})
