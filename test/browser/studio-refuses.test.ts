import { describe, expect, it } from 'vitest'
import { openAs, screenshot, withShow } from './helpers.js'

/** Issue 5: the studio refuses a non-image with the server's own problem detail, and keeps the draft. */
describe('studio refuses a non-image (browser, sqlite)', () => {
  const slug = 'refusals'
  const notAnImage = Buffer.from('<!doctype html><script>alert(1)</script>')
  const show = withShow({ creator: 'stills', fans: [], slug, title: 'Refusals' })

  it('shows the problem detail the server gives for the file', async () => {
    const { server, browser, creator } = show
    // What the server says about this file, asked directly.
    const form = new FormData()
    form.append('file', new Blob([notAnImage], { type: 'image/jpeg' }), 'still.jpg')
    const direct = await fetch(`${server.url}/api/v1/media`, {
      method: 'POST',
      headers: { cookie: `backlot_session=${creator.cookie}`, 'x-backlot-csrf': '1' },
      body: form,
    })
    expect(direct.status).toBe(415)
    const problem = (await direct.json()) as { detail: string }

    const { page, context, errors } = await openAs(browser, server.url, creator)
    await page.goto(`${server.url}/app/studio/${slug}`)
    await page.locator('#post-text').fill('Draft that must survive a refused file')
    await page
      .locator('#photo-input')
      .setInputFiles({ name: 'still.jpg', mimeType: 'image/jpeg', buffer: notAnImage })
    const item = page.locator('[data-upload="failed"]')
    await item.waitFor()
    expect(await item.locator('.error-box').textContent()).toContain(problem.detail)
    expect(await page.locator('#post-text').inputValue()).toBe('Draft that must survive a refused file')
    expect(await page.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(true)
    await screenshot(page, 'composer-refused-phone.png')

    // Removing the refused file lets the text post go out.
    await page.getByRole('button', { name: 'Remove photo 1' }).click()
    await page.getByRole('button', { name: 'Publish', exact: true }).click()
    await page.getByText('Published.').waitFor()
    expect(errors).toEqual([])
    await context.close()
  })
})
