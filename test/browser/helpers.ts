import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll } from 'vitest'
import type { DbKind } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * Browser tests drive Debian's Chromium (`apt-get install chromium`; never a downloaded browser)
 * through playwright-core, against a real Backlot server serving the built web app (web/dist).
 * `npm test` and `npm run test:browser` build the web app first.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const artifactsDir = path.join(root, 'test', 'artifacts')
export const CHROMIUM = '/usr/bin/chromium'

/** Fails with instructions when web/dist is missing or older than web/src (a stale build tests old code). */
export function assertWebBuilt(): void {
  const index = path.join(root, 'web', 'dist', 'index.html')
  if (!existsSync(index)) throw new Error('web/dist is missing: run `npm run build:web` first.')
  const builtAt = statSync(index).mtimeMs
  const newest = newestMtime(path.join(root, 'web', 'src'))
  if (newest > builtAt) throw new Error('web/dist is older than web/src: run `npm run build:web` again.')
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p))
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs)
  }
  return newest
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export interface Person {
  handle: string
  cookie: string
}

/** Registers an account over the API (as the sign-up form would) and returns its session cookie. */
export async function register(baseUrl: string, handle: string): Promise<Person> {
  const res = await fetch(`${baseUrl}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      handle,
      displayName: handle[0]!.toUpperCase() + handle.slice(1),
      password: 'a long passphrase',
    }),
  })
  if (res.status !== 201) throw new Error(`register ${handle}: ${res.status} ${await res.text()}`)
  const cookie = /backlot_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]
  if (!cookie) throw new Error('no session cookie')
  return { handle, cookie }
}

/** Calls the API as `person` (cookie + CSRF header, as the web app does). */
export async function apiAs<T = any>(
  baseUrl: string,
  person: Person,
  method: string,
  url: string,
  body?: unknown,
) {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: {
      cookie: `backlot_session=${person.cookie}`,
      'x-backlot-csrf': '1',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`)
  return (text ? JSON.parse(text) : null) as T
}

/**
 * The show most browser tests start from, made over the API as the web app would: the creator and
 * the fans register, the creator creates the channel, then each fan joins it. `fans` come back in
 * the order of the handles given.
 */
export async function seedShow<const F extends readonly string[]>(
  baseUrl: string,
  show: { creator: string; fans: F; slug: string; title: string; description?: string },
): Promise<{ creator: Person; fans: { -readonly [K in keyof F]: Person } }> {
  const creator = await register(baseUrl, show.creator)
  const fans: Person[] = []
  for (const handle of show.fans) fans.push(await register(baseUrl, handle))
  const { slug, title, description } = show
  await apiAs(baseUrl, creator, 'POST', '/api/v1/channels', { slug, title, description })
  for (const fan of fans) await apiAs(baseUrl, fan, 'POST', `/api/v1/channels/${slug}/members`, {})
  // One Person per handle, in order: the tuple type only says so.
  return { creator, fans: fans as { -readonly [K in keyof F]: Person } }
}

/** What a file's tests share: one server (a fresh database) and one browser; each test opens its own context. */
export interface BrowserFixture {
  server: TestServer
  browser: Browser
}

export interface ShowFixture<F extends readonly string[]> extends BrowserFixture {
  creator: Person
  fans: { -readonly [K in keyof F]: Person }
}

type ServerOptions = Parameters<typeof startTestServer>[1] & { kind?: DbKind }

/**
 * The preamble of a browser test file, as hooks of the enclosing `describe`: checks the web app is
 * built, starts one server and one browser before the tests, stops both after them. The fields of
 * the returned object are set when the tests run (read them inside tests and later hooks).
 */
export function withBrowser(options: ServerOptions = {}): BrowserFixture {
  const { kind = 'sqlite', ...serverOptions } = options
  const fixture = {} as BrowserFixture
  beforeAll(async () => {
    assertWebBuilt()
    fixture.server = await startTestServer(kind, serverOptions)
    fixture.browser = await launchBrowser()
  })
  afterAll(async () => {
    await fixture.browser?.close()
    await fixture.server?.destroy()
  })
  return fixture
}

/** withBrowser() and the show of seedShow(): `creator` and `fans` (in order) are set before the tests. */
export function withShow<const F extends readonly string[]>(
  show: Parameters<typeof seedShow<F>>[1],
  options: ServerOptions = {},
): ShowFixture<F> {
  const fixture = withBrowser(options) as ShowFixture<F>
  beforeAll(async () => {
    Object.assign(fixture, await seedShow(fixture.server.url, show))
  })
  return fixture
}

/** A browser tab logged in as `person` (phone-sized by default), with page errors collected. */
export async function openAs(
  browser: Browser,
  baseUrl: string,
  person: Person | null,
  viewport = { width: 360, height: 740 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, serviceWorkers: 'block' })
  if (person) await context.addCookies([{ name: 'backlot_session', value: person.cookie, url: baseUrl }])
  const page = await context.newPage()
  return { context, page, errors: collectErrors(page) }
}

/** The page's uncaught errors and console errors from now on (failed loads are the tests' business). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text())
  })
  return errors
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true })
  const file = path.join(artifactsDir, name)
  await page.screenshot({ path: file, fullPage: false })
  return file
}

/** A small photo-like JPEG (a gradient with a shape) so variants and blurhash have something to show. */
export async function photo(width: number, height: number, hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},70%,30%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="hsl(${(hue + 180) % 360},80%,60%)"/>
  </svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer()
}
