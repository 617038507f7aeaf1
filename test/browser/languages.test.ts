import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { seasonFacts, uploadPhoto } from './fan-helpers.js'
import { apiAs, collectErrors, type Person, withShow } from './helpers.js'
import { PHONE } from './studio-helpers.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const shotsDir = path.join(root, 'docs', 'screenshots')

type Catalog = { [key: string]: string | Catalog }
const catalog = (lang: string) =>
  JSON.parse(readFileSync(path.join(root, 'locales', lang, 'web.json'), 'utf8')) as Catalog

function flatten(messages: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string') out.set(prefix + key, value)
    else for (const [k, v] of flatten(value, `${prefix + key}.`)) out.set(k, v)
  }
  return out
}

/**
 * The English messages a Spanish page must not show: every whole message without placeholders
 * whose Spanish differs (a word both languages share, such as "Avatar", proves nothing).
 */
const spanish = flatten(catalog('es'))
const english = [...flatten(catalog('en'))]
  .filter(([key, text]) => !text.includes('{{') && spanish.get(key) !== text && text.length > 2)
  .map(([, text]) => text)

/** A catalog key shown instead of its message ("studio.nav.compose"). */
const KEY = /^[a-z]+(\.[a-zA-Z-]+)+$/

/**
 * Every text the main content shows or announces: each element's own text, and its aria-label,
 * placeholder, title and alt. (Runs in the page; this file is type-checked without the DOM library.)
 */
async function textsOf(page: Page, selector = '#main'): Promise<string[]> {
  return page.locator(selector).evaluate((main: any) => {
    const texts: string[] = []
    for (const el of [main, ...main.querySelectorAll('*')]) {
      if (el.closest('[hidden]')) continue
      const own = [...el.childNodes]
        .filter((n: any) => n.nodeType === 3)
        .map((n: any) => n.textContent)
        .join('')
        .trim()
      if (own) texts.push(own)
      for (const attr of ['aria-label', 'placeholder', 'title', 'alt']) {
        const value = el.getAttribute(attr)?.trim()
        if (value) texts.push(value)
      }
    }
    return texts
  })
}

async function expectSpanishOnly(page: Page, selector = '#main') {
  const texts = await textsOf(page, selector)
  expect(texts.length).toBeGreaterThan(5)
  expect(
    texts.filter((t) => KEY.test(t)),
    'catalog keys on the page',
  ).toEqual([])
  expect(
    texts.filter((t) => english.includes(t)),
    'English messages on the page',
  ).toEqual([])
}

/**
 * Issue 16 point 4 in the app: a person whose language setting is Spanish sees the fan app and the
 * studio in Spanish on a browser that asks for English — every label, button, count and date —
 * and a visitor's Spanish browser gets Spanish too.
 */
describe('the app in Spanish (browser, sqlite)', () => {
  let albumId: string
  const slug = 'rodaje-nocturno'
  const show = withShow({
    creator: 'directora',
    fans: ['fan_uno'],
    slug,
    title: 'El rodaje nocturno',
    description: 'Fotos y encuestas desde el plató.',
  })

  beforeAll(async () => {
    const { server, creator: owner } = show
    const [fan] = show.fans
    for (const person of [owner, fan])
      await apiAs(server.url, person, 'PATCH', '/api/v1/me', { language: 'es' })
    const base = `/api/v1/channels/${slug}`
    await apiAs(server.url, owner, 'PUT', `${base}/production`, {
      ...seasonFacts(),
      chapterLabel: 'Capítulo',
    })
    const pier = await uploadPhoto(
      server.url,
      owner,
      { width: 900, height: 600, hue: 200 },
      { alt: 'El muelle de noche' },
    )
    const crane = await uploadPhoto(
      server.url,
      owner,
      { width: 600, height: 900, hue: 20 },
      { alt: 'La grúa cae' },
    )
    const album = await apiAs(server.url, owner, 'POST', `${base}/posts`, {
      text: 'Semana 12 en el muelle',
      media: [{ id: pier.id }, { id: crane.id, spoiler: true, spoilerLabel: 'Capítulo 7' }],
      production: { weeks: { from: 11, to: 12 }, chapters: [7], location: 'Muelle' },
    })
    albumId = album.id
    await apiAs(server.url, owner, 'POST', `${base}/posts`, {
      poll: { question: '¿Qué decorado para el final?', options: ['Azotea', 'Puerto'] },
    })
    await apiAs(server.url, owner, 'POST', `${base}/posts`, {
      text: 'El tráiler sale el viernes',
      status: 'scheduled',
      publishAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    })
    await apiAs(server.url, owner, 'POST', `${base}/posts`, { text: 'Fotos de la fiesta', status: 'draft' })
    await apiAs(server.url, fan, 'PUT', `${base}/posts/${albumId}/reaction`, { emoji: '❤️' })
  })

  /** A phone-sized tab as `person` on a browser asking for `locale`. */
  async function open(person: Person | null, locale = 'en-US') {
    const { server, browser } = show
    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 1,
      locale,
      serviceWorkers: 'block',
    })
    if (person) await context.addCookies([{ name: 'backlot_session', value: person.cookie, url: server.url }])
    const page = await context.newPage()
    return { context, page, errors: collectErrors(page) }
  }

  it('shows a fan the channel, a post with an album and a poll, and notifications in Spanish', async () => {
    const { server } = show
    const [fan] = show.fans
    const { context, page, errors } = await open(fan)
    await page.goto(`${server.url}/app/c/${slug}`)
    await page.getByText('Eres miembro.').waitFor()
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.lang)).toBe('es')
    expect(await page.getByRole('button', { name: 'Cerrar sesión' }).count()).toBe(1)
    expect(await page.locator('.channel-head .facts').textContent()).toContain('2 miembros')
    await page.locator('[data-post-id] .poll').waitFor()
    expect(await page.locator('.poll').textContent()).toContain('Encuesta · 0 votos')
    await page.getByRole('figure', { name: 'Álbum, 2 fotos' }).waitFor()
    // Dates through Intl in Spanish: "hace 1 minuto", "ahora".
    const times = await page.locator('article.post header time').allTextContents()
    expect(times.length).toBeGreaterThan(0)
    for (const time of times) expect(time).toMatch(/hace|ahora|segundo|minuto/)
    await expectSpanishOnly(page)
    await expectSpanishOnly(page, 'header.topbar')
    await page.screenshot({ path: path.join(shotsDir, 'spanish-channel-phone.png'), fullPage: true })

    await page.goto(`${server.url}/app/c/${slug}/p/${albumId}`)
    await page.getByRole('heading', { name: 'Publicación en El rodaje nocturno' }).waitFor()
    await page
      .getByRole('button', { name: /^Spóiler: Capítulo 7 Toca para ver la imagen con spóiler del álbum$/ })
      .waitFor()
    expect(await page.locator('[data-tag="week"]').textContent()).toBe('Semanas 11–12')
    await expectSpanishOnly(page)

    await page.goto(`${server.url}/app/settings/notifications`)
    await page.getByRole('heading', { name: 'Tus dispositivos' }).waitFor()
    await page.getByText('Todas las publicaciones', { exact: true }).waitFor()
    await expectSpanishOnly(page)
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows the owner the composer, the schedule and the manage page in Spanish', async () => {
    const { server, creator: owner } = show
    const { context, page, errors } = await open(owner)
    const studio = `${server.url}/app/studio/${slug}`
    await page.goto(studio)
    await page.getByRole('heading', { name: 'Nueva publicación en El rodaje nocturno' }).waitFor()
    await page.getByRole('button', { name: 'Encuesta o test' }).click()
    await page.getByLabel('Opción 1', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Texto y fotos' }).click()
    expect(await page.getByRole('button', { name: 'Publicar', exact: true }).count()).toBe(1)
    await expectSpanishOnly(page)
    await page.screenshot({ path: path.join(shotsDir, 'spanish-composer-phone.png'), fullPage: true })

    await page.goto(`${studio}/schedule`)
    await page.getByRole('heading', { name: 'Programadas y borradores' }).waitFor()
    await page.locator('[data-status="scheduled"]').waitFor()
    expect(await page.locator('[data-status="scheduled"] .status-pill').textContent()).toMatch(
      /^Programada para el .+ · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/,
    )
    expect(await page.locator('[data-status="draft"] .status-pill').textContent()).toBe('Borrador')
    await expectSpanishOnly(page)

    await page.goto(`${studio}/settings`)
    await page.getByRole('heading', { name: 'Miembros y roles' }).waitFor()
    await page.getByRole('cell', { name: 'propietario' }).waitFor()
    await page.getByRole('heading', { name: 'Producción' }).waitFor()
    await expectSpanishOnly(page)
    expect(errors).toEqual([])
    await context.close()
  })

  it('follows a visitor’s Spanish browser when nobody is logged in', async () => {
    const { server } = show
    const { context, page, errors } = await open(null, 'es-MX')
    await page.goto(`${server.url}/app`)
    await page.getByRole('heading', { name: 'Canales públicos' }).waitFor()
    expect(await page.getByRole('link', { name: 'Crear cuenta' }).count()).toBeGreaterThan(0)
    await expectSpanishOnly(page)
    expect(errors).toEqual([])
    await context.close()
  })
})
