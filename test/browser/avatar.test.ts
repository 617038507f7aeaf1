import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiAs, openAs, photo, screenshot, withShow } from './helpers.js'

/** Issue 5: an admin sets the channel avatar in the studio; a fan's open channel page shows it live. */
describe('channel avatar (browser, sqlite)', () => {
  const slug = 'night-shoot'
  const title = 'Night Shoot'
  const show = withShow({ creator: 'showrunner', fans: ['designer', 'fan'], slug, title })
  beforeAll(async () => {
    const { server, creator: owner } = show
    await apiAs(server.url, owner, 'PUT', `/api/v1/channels/${slug}/roles/designer`, { role: 'admin' })
  })

  /** The avatar image in the channel header, once it has loaded, as the page sees it. */
  async function headerAvatar(page: Page) {
    const img = page.locator('.channel-head [data-avatar="image"] img')
    await img.waitFor()
    // The root tsconfig has no DOM types: describe the few properties read here.
    type Img = { alt: string; currentSrc: string; naturalWidth: number }
    await expect.poll(() => img.evaluate((el) => (el as unknown as Img).naturalWidth)).toBeGreaterThan(0)
    return img.evaluate((el) => {
      const { alt, currentSrc, naturalWidth } = el as unknown as Img
      return { alt, src: currentSrc, naturalWidth }
    })
  }

  it('sets the avatar in the studio; the fan page shows the image live, then initials again', async () => {
    const { server, browser } = show
    const [admin, fan] = show.fans
    const fanTab = await openAs(browser, server.url, fan)
    await fanTab.page.goto(`${server.url}/app/c/${slug}`)
    await fanTab.page.locator('.channel-head [data-avatar="initial"]').waitFor()

    const adminTab = await openAs(browser, server.url, admin)
    await adminTab.page.goto(`${server.url}/app/studio/${slug}/settings`)
    await adminTab.page
      .locator('#avatar-input')
      .setInputFiles({ name: 'logo.jpg', mimeType: 'image/jpeg', buffer: await photo(600, 600, 200) })
    await adminTab.page.getByText('Avatar updated.').waitFor()
    const channel = await apiAs(server.url, fan, 'GET', `/api/v1/channels/${slug}`)
    expect(channel.avatar.url).toMatch(/\/media\/[0-9A-Z]{26}\/320\.jpg$/)
    await adminTab.page.locator('#avatar-title ~ .row [data-avatar="image"] img').waitFor()
    await screenshot(adminTab.page, 'avatar-studio-phone.png')

    // The fan's open page got channel.updated and shows the image, with the title as its alt text.
    const shown = await headerAvatar(fanTab.page)
    expect(shown.alt).toBe(title)
    expect(shown.naturalWidth).toBeGreaterThan(0)
    expect(shown.src).toContain(channel.avatar.url.replace(/\.jpg$/, ''))
    await screenshot(fanTab.page, 'avatar-channel-phone.png')

    // A fresh load and the "your channels" list show it too.
    await fanTab.page.goto(`${server.url}/app/c/${slug}`)
    expect((await headerAvatar(fanTab.page)).alt).toBe(title)
    await fanTab.page.goto(`${server.url}/app`)
    const listed = fanTab.page.locator('#mine-title').locator('xpath=../..').locator(`img[alt="${title}"]`)
    await listed.waitFor()

    // Removing it brings the initial back on the open channel page.
    await fanTab.page.goto(`${server.url}/app/c/${slug}`)
    await headerAvatar(fanTab.page)
    await adminTab.page.getByRole('button', { name: 'Remove avatar' }).click()
    await adminTab.page.getByText('Avatar removed.').waitFor()
    await fanTab.page.locator('.channel-head [data-avatar="initial"]').waitFor()

    expect(fanTab.errors).toEqual([])
    expect(adminTab.errors).toEqual([])
    await fanTab.context.close()
    await adminTab.context.close()
  })
})
