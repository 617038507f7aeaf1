import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { collectErrors, type Person } from './helpers.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const shotsDir = path.join(root, 'docs', 'screenshots')

/** The two sizes every studio page is shown at in docs/web.md: a phone and a laptop. */
export const PHONE = { width: 390, height: 844 }
export const DESKTOP = { width: 1366, height: 900 }

/**
 * A studio tab as `person`, in a given time zone (the schedule picker works in it), with the
 * clipboard allowed so "Copy link" can be checked.
 */
export async function openStudio(
  browser: Browser,
  baseUrl: string,
  person: Person,
  options: { timezoneId?: string; viewport?: { width: number; height: number } } = {},
) {
  const context = await browser.newContext({
    viewport: options.viewport ?? PHONE,
    deviceScaleFactor: 1,
    serviceWorkers: 'block',
    timezoneId: options.timezoneId ?? 'UTC',
  })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl })
  await context.addCookies([{ name: 'backlot_session', value: person.cookie, url: baseUrl }])
  const page = await context.newPage()
  return { context, page, errors: collectErrors(page) }
}

/**
 * Writes the page, whole (or only what is in view: `fullPage: false`, for a full-screen dialog), at
 * phone and desktop size into docs/screenshots/{name}-phone.png and -desktop.png (referenced from
 * docs/web.md), then restores the phone size.
 */
export async function docScreenshots(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(shotsDir, { recursive: true })
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport)
    // From the top: a full-page shot of a scrolled page draws the sticky top bar mid-page.
    await page.evaluate(async () => {
      // Runs in the page; this file is type-checked without the DOM library.
      const w = globalThis as any
      w.scrollTo(0, 0)
      await w.document.fonts.ready
    })
    await page.screenshot({
      path: path.join(shotsDir, `${name}-${size}.png`),
      fullPage: options.fullPage ?? true,
      // Finished, not caught mid-way: a slide or fade still running when the size changed.
      animations: 'disabled',
    })
  }
  await page.setViewportSize(PHONE)
}

/** A local wall time `days` ahead in a fixed-offset zone, and the UTC instant it means. */
export function futureWallTime(days: number, hhmm: string, offsetMinutes: number) {
  const localDate = new Date(Date.now() + days * 86_400_000 + offsetMinutes * 60_000)
    .toISOString()
    .slice(0, 10)
  const instant = Date.parse(`${localDate}T${hhmm}:00Z`) - offsetMinutes * 60_000
  return {
    input: `${localDate}T${hhmm}`,
    instant,
    utcLine: `= ${new Date(instant).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  }
}
