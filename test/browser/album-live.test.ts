import { describe, expect, it } from 'vitest'
import { openAs, photo, screenshot, withShow } from './helpers.js'

/**
 * Issue 5: a creator composes and publishes a 3-photo album with one spoiler image in the studio
 * while a fan's channel page is open; the fan sees it appear live, the spoiler image blurred (only
 * its blurhash, no image loaded) until clicked, and still revealed after a reload on that device.
 */
describe('album published live (browser, sqlite)', () => {
  const slug = 'set-diary'
  const show = withShow({
    creator: 'showrunner',
    fans: ['fanone'],
    slug,
    title: 'Set Diary',
    description: 'Weeks 11–14 of filming, straight from the set.',
  })

  it('shows the album to an open fan page without reload, spoiler hidden until tapped', async () => {
    const { server, browser, creator } = show
    const [fan] = show.fans
    const fanTab = await openAs(browser, server.url, fan)
    await fanTab.page.goto(`${server.url}/app/c/${slug}`)
    await fanTab.page.getByRole('heading', { name: 'Set Diary' }).waitFor()
    await fanTab.page.getByText('No posts yet.').waitFor()

    const studio = await openAs(browser, server.url, creator)
    const composer = studio.page
    await composer.goto(`${server.url}/app/studio/${slug}`)
    await composer.locator('#post-text').fill('Weeks 11–14: night exteriors on the harbour.')
    const files = await Promise.all([photo(1200, 800, 20), photo(800, 1200, 140), photo(1000, 1000, 260)])
    await composer
      .locator('#photo-input')
      .setInputFiles(
        files.map((buffer, i) => ({ name: `still-${i + 1}.jpg`, mimeType: 'image/jpeg', buffer })),
      )
    await expect.poll(() => composer.locator('[data-upload="ready"]').count(), { timeout: 30_000 }).toBe(3)
    await composer
      .getByPlaceholder('Describe the photo for people who can’t see it')
      .nth(0)
      .fill('Crane on the pier at dusk')
    await composer
      .getByPlaceholder('Describe the photo for people who can’t see it')
      .nth(1)
      .fill('Lead actor in costume, chapter 8')
    // Photo 3 keeps no alt text: the composer must warn before publishing it.
    await composer.getByLabel('Spoiler', { exact: true }).nth(1).check()
    await composer.locator('#post-text').scrollIntoViewIfNeeded()
    await screenshot(composer, 'composer-phone.png')

    await composer.getByRole('button', { name: 'Publish', exact: true }).click()
    // The count picks its plural form (it said "1 photo(s) have" before the catalogs).
    await composer.getByText('1 photo has no alt text.').waitFor()
    await composer.getByRole('button', { name: 'Publish anyway' }).click()
    const published = composer.getByText('Published.')
    const refused = composer.locator('.error-box')
    await Promise.race([published.waitFor(), refused.waitFor()])
    if (await refused.isVisible()) throw new Error(`publish refused: ${await refused.textContent()}`)

    // The fan's page gets it over the stream, no reload.
    const fanPage = fanTab.page
    const album = fanPage.locator('article.post .album-grid')
    await album.waitFor({ timeout: 10_000 })
    await expect.poll(() => album.locator('.album-cell').count()).toBe(3)
    const hidden = album.locator('[data-spoiler="hidden"]')
    expect(await hidden.count()).toBe(1)
    // Hidden means hidden: only the blurhash canvas, no <img> of the spoiler in the page.
    expect(await hidden.locator('img').count()).toBe(0)
    expect(await album.locator('img').count()).toBe(2)
    for (const alt of await album
      .locator('img')
      .evaluateAll((els) => els.map((e) => e.getAttribute('alt')))) {
      expect(alt).toBeTruthy()
    }
    await screenshot(fanPage, 'channel-phone.png')

    // One tap on the blurred image shows it.
    await hidden.click()
    await expect.poll(() => album.locator('img').count()).toBe(3)
    expect(await album.locator('[data-spoiler="hidden"]').count()).toBe(0)

    // Remembered on this device.
    await fanPage.reload()
    await fanPage.locator('article.post .album-grid').waitFor()
    expect(await fanPage.locator('[data-spoiler="hidden"]').count()).toBe(0)
    expect(fanTab.errors).toEqual([])
    expect(studio.errors).toEqual([])
    await fanTab.context.close()
    await studio.context.close()
  })
})
