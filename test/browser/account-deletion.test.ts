import { describe, expect, it } from 'vitest'
import { seedChannel } from '../_util/seed.js'
import { axeViolations, describeViolations } from './a11y.js'
import { apiAs, collectErrors, register, withBrowser } from './helpers.js'
import { docScreenshots } from './studio-helpers.js'

const PASSWORD = 'a long passphrase'

/**
 * Issue 17 point 3 in the app: a person deletes their account from the account settings (password,
 * confirmation), sees the date on every page with a way back, and cancels; an owner is told which
 * channels to hand over first; logging in again cancels a pending deletion and says so.
 */
describe('account deletion (browser, sqlite)', () => {
  const shared = withBrowser()

  async function open(cookie: string) {
    const { server, browser } = shared
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      serviceWorkers: 'block',
    })
    if (cookie) await context.addCookies([{ name: 'backlot_session', value: cookie, url: server.url }])
    const page = await context.newPage()
    return { context, page, errors: collectErrors(page) }
  }

  it('asks for the password and a confirmation, shows the date everywhere, and cancels', async () => {
    const { server } = shared
    const maya = await register(server.url, 'maya')
    const { context, page, errors } = await open(maya.cookie)
    await page.goto(`${server.url}/app/settings/account`)
    const section = page.locator('[data-delete-account]')
    await section.getByText('deleted 7 days after you ask').waitFor()
    expect(await section.textContent()).toContain('Former member')
    const submit = section.getByRole('button', { name: 'Delete my account' })
    expect(await submit.isDisabled()).toBe(true)
    await docScreenshots(page, 'account-deletion')

    await section.getByLabel('Your password').fill('not the password')
    await section.getByLabel(/I understand/).check()
    await submit.click()
    await section.getByText('The password is wrong.').waitFor()

    await section.getByLabel('Your password').fill(PASSWORD)
    await section.getByLabel(/I understand/).check()
    await submit.click()
    const banner = page.locator('[data-deletion-pending]')
    await banner.getByText('Your account will be deleted on').waitFor()
    await section.getByRole('button', { name: 'Cancel deletion' }).waitFor()
    expect(await axeViolations(page).then(describeViolations)).toBe('')
    await docScreenshots(page, 'account-deletion-pending')

    // The banner is on every page of the app, with the way back.
    await page.goto(`${server.url}/app`)
    await banner.getByRole('button', { name: 'Cancel deletion' }).click()
    await expect.poll(() => banner.count()).toBe(0)
    const pending = await fetch(`${server.url}/api/v1/me/deletion`, {
      headers: { cookie: `backlot_session=${maya.cookie}` },
    })
    expect(((await pending.json()) as { pending: unknown }).pending).toBeNull()
    expect(errors).toEqual([])
    await context.close()
  })

  it('tells an owner which channels to hand over first', async () => {
    const { server } = shared
    const boss = await register(server.url, 'boss')
    const account = (await server.ctx.accounts.findByHandle('boss'))!
    await seedChannel(server.ctx, account, { slug: 'night-shoot' })
    const { context, page } = await open(boss.cookie)
    await page.goto(`${server.url}/app/settings/account`)
    const section = page.locator('[data-delete-account]')
    await section.getByLabel('Your password').fill(PASSWORD)
    await section.getByLabel(/I understand/).check()
    await section.getByRole('button', { name: 'Delete my account' }).click()
    await section
      .getByText('You own the channel "night-shoot": transfer ownership or delete it first.')
      .waitFor()
    expect(await page.locator('[data-deletion-pending]').count()).toBe(0)
    await context.close()
  })

  it('logging in cancels a pending deletion and the app says so', async () => {
    const { server } = shared
    const ines = await register(server.url, 'ines')
    const asked = await apiAs(server.url, ines, 'POST', '/api/v1/me/deletion', { password: PASSWORD })
    expect(asked.pending).not.toBeNull()
    const { context, page, errors } = await open('')
    await page.goto(`${server.url}/app/login`)
    await page.getByLabel('Handle').fill('ines')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).last().click()
    const notice = page.locator('[data-deletion-cancelled]')
    await notice.getByText('logging in cancelled the deletion of your account').waitFor()
    await docScreenshots(page, 'account-deletion-cancelled-by-login')
    await notice.getByRole('button', { name: 'OK' }).click()
    await expect.poll(() => notice.count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })
})
