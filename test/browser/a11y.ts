import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'

/** The two sizes every page is checked at: a phone and a laptop. */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1366, height: 900 },
} as const

/** axe-core's rule tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

export interface Violation {
  id: string
  impact: string | null | undefined
  help: string
  targets: string[]
}

/** Runs axe-core over the page as it is now and returns its WCAG 2.2 A/AA violations. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  // @axe-core/playwright types its page against the full playwright package; playwright-core's
  // Page is the same object.
  const results = await new AxeBuilder({ page: page as never }).withTags(WCAG_22_AA).analyze()
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }))
}

/** One line per violation, for a failing assertion's message. */
export function describeViolations(violations: Violation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, 5).join(', ')}`)
    .join('\n')
}

/**
 * Opens `url` and waits until the web app's page has settled: its main content is there and
 * nothing is loading (`main#main` without aria-busy). When it does not settle in time, the error
 * names the requests still open and what the page shows, so a failure on a loaded CI machine says
 * where it stalled.
 */
export async function openAppPage(page: Page, url: string, timeout = 25_000): Promise<void> {
  const open = new Set<string>()
  const track = (r: { url(): string; method(): string }) => `${r.method()} ${r.url()}`
  page.on('request', (r) => open.add(track(r)))
  page.on('requestfinished', (r) => open.delete(track(r)))
  page.on('requestfailed', (r) => open.delete(track(r)))
  await page.goto(url)
  try {
    await page.locator('main#main:not([aria-busy="true"])').waitFor({ timeout })
  } catch (e) {
    const shown = await page
      .locator('body')
      .textContent({ timeout: 1_000 })
      .catch(() => '(unreadable)')
    throw new Error(
      `${page.url()} did not settle in ${timeout} ms (${String(e).split('\n')[0]}); ` +
        `requests still open: ${[...open].join(', ') || 'none'}; the page shows: ${(shown ?? '').slice(0, 300)}`,
    )
  }
}
