import { describe, expect, it } from 'vitest'
import { axeViolations, describeViolations } from './a11y.js'
import { collectErrors, register, withBrowser } from './helpers.js'
import { docScreenshots } from './studio-helpers.js'

const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36'
const LAPTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'
const PASSWORD = 'a long passphrase'

/**
 * Issue 17 point 1 and issue 16 point 4 in the app: a person sees where they are logged in, logs
 * out a lost phone from their laptop, changes the password, and picks the app's language — which
 * then holds on every page load, and for the server's error titles and notifications too.
 */
describe('account settings (browser, sqlite)', () => {
  const shared = withBrowser()

  /** Logs `handle` in from a browser with `userAgent`, as the login form would. */
  async function logIn(handle: string, userAgent: string): Promise<string> {
    const { server } = shared
    const res = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent, origin: server.url },
      body: JSON.stringify({ handle, password: PASSWORD }),
    })
    expect(res.status).toBe(200)
    return /backlot_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!
  }

  async function open(cookie: string, userAgent: string, locale = 'en-US') {
    const { server, browser } = shared
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      userAgent,
      locale,
      serviceWorkers: 'block',
    })
    await context.addCookies([{ name: 'backlot_session', value: cookie, url: server.url }])
    const page = await context.newPage()
    return { context, page, errors: collectErrors(page) }
  }

  it('lists the sessions, logs out the phone from the laptop, and changes the password', async () => {
    const { server } = shared
    await register(server.url, 'maya')
    const phone = await logIn('maya', PHONE_UA)
    const laptop = await logIn('maya', LAPTOP_UA)
    const { context, page, errors } = await open(laptop, LAPTOP_UA)
    await page.goto(`${server.url}/app`)
    await page.getByRole('link', { name: 'Account settings: @maya' }).click()
    await page.getByRole('heading', { name: 'Where you’re logged in' }).waitFor()
    const sessions = page.locator('[data-session]')
    await expect.poll(() => sessions.count()).toBe(3)
    const mine = page.locator('[data-session]', { hasText: 'This device' })
    expect(await mine.textContent()).toContain('Firefox on Linux')
    expect(await page.locator('[data-session]', { hasText: 'Chrome on Android' }).count()).toBe(1)
    await docScreenshots(page, 'account-settings')

    await page.getByRole('button', { name: 'Log out Chrome on Android' }).click()
    await expect.poll(() => sessions.count()).toBe(2)
    const asPhone = await fetch(`${server.url}/api/v1/me`, {
      headers: { cookie: `backlot_session=${phone}` },
    })
    expect(asPhone.status).toBe(401)

    await page.getByRole('button', { name: 'Log out the other session' }).click()
    await expect.poll(() => sessions.count()).toBe(1)

    await page.getByLabel('Current password').fill(PASSWORD)
    await page.getByLabel('New password').fill('an even longer passphrase')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByText('Password changed.').waitFor()
    const oldLogin = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ handle: 'maya', password: PASSWORD }),
    })
    expect(oldLogin.status).toBe(401)
    expect(await axeViolations(page).then(describeViolations)).toBe('')
    expect(errors).toEqual([])
    await context.close()
  })

  it('follows the browser’s language until one is chosen, then keeps the choice', async () => {
    const { server } = shared
    await register(server.url, 'lucas')
    const cookie = await logIn('lucas', LAPTOP_UA)

    // A Spanish browser gets the app in Spanish without choosing anything.
    const spanish = await open(cookie, LAPTOP_UA, 'es-ES')
    await spanish.page.goto(`${server.url}/app/settings/account`)
    await spanish.page.getByRole('heading', { name: 'Cuenta', level: 1 }).waitFor()
    expect(await spanish.page.getAttribute('html', 'lang')).toBe('es')
    await spanish.context.close()

    // An English browser, where the person chooses Spanish: it holds after a reload.
    const { context, page, errors } = await open(cookie, LAPTOP_UA, 'en-US')
    await page.goto(`${server.url}/app/settings/account`)
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor()
    await page.getByLabel('Language of the app').selectOption('es')
    await page.getByRole('heading', { name: 'Cuenta', level: 1 }).waitFor()
    await page.reload()
    await page.getByRole('heading', { name: 'Dónde has iniciado sesión' }).waitFor()
    expect(await page.getAttribute('html', 'lang')).toBe('es')
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { cookie: `backlot_session=${cookie}` } })
    expect(((await me.json()) as { language: string }).language).toBe('es')
    expect(await axeViolations(page).then(describeViolations)).toBe('')

    // Back to "same as this browser": English again in this English browser.
    await page.getByLabel('Idioma de la aplicación').selectOption('')
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor()
    expect(errors).toEqual([])
    await context.close()
  })

  it('makes an API token for backlot post, shows it once, and revokes it', async () => {
    const { server } = shared
    await register(server.url, 'nina')
    const cookie = await logIn('nina', LAPTOP_UA)
    const { context, page, errors } = await open(cookie, LAPTOP_UA)
    await page.goto(`${server.url}/app/settings/account`)
    await page.getByLabel('Name of a new token').fill('laptop uploads')
    await page.getByRole('button', { name: 'Make token' }).click()
    const shown = page.locator('[data-new-token]')
    await shown.waitFor()
    const token = await shown.inputValue()
    expect(token).toMatch(/^blt_/)
    const asToken = () => fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })
    const me = (await (await asToken()).json()) as { auth: { scopes: string[] } }
    expect(me.auth.scopes).toEqual(['read', 'post'])
    await page.reload()
    await page.locator('[data-token]', { hasText: 'laptop uploads' }).waitFor()
    expect(await page.locator('[data-new-token]').count()).toBe(0)
    await page.getByRole('button', { name: 'Revoke laptop uploads' }).click()
    await page.getByText('No API tokens.').waitFor()
    expect((await asToken()).status).toBe(401)
    expect(await axeViolations(page).then(describeViolations)).toBe('')
    expect(errors).toEqual([])
    await context.close()
  })
})
