import type { Language } from './languages.js'

/**
 * Dates, numbers and lists in a language, through `Intl` (issue 16 point 4). Times are shown in
 * UTC with the zone named: a public page is the same bytes for every reader of a language (it is
 * cached and shared), so it cannot be in the reader's own zone; the island (web/src/island) turns
 * it into "3 hours ago" in the browser.
 */

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>()

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>(
  key: string,
  make: () => T,
): T {
  let format = cache.get(key) as T | undefined
  if (!format) {
    format = make()
    cache.set(key, format)
  }
  return format
}

/** "Jan 5, 2026, 6:40 PM UTC" / "5 ene 2026, 18:40 UTC". */
export function formatDateTime(language: Language, ms: number): string {
  return cached(
    `dt|${language}`,
    () =>
      new Intl.DateTimeFormat(language, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone: 'UTC',
        timeZoneName: 'short',
      }),
  ).format(ms)
}

/** A calendar day given as YYYY-MM-DD (or a UTC instant): "Jan 5, 2026" / "5 ene 2026". */
export function formatDay(language: Language, day: string | number): string {
  const ms = typeof day === 'number' ? day : Date.parse(`${day}T00:00:00Z`)
  if (Number.isNaN(ms)) return String(day)
  return cached(
    `d|${language}`,
    () => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }),
  ).format(ms)
}

/** "1,234" / "1234" (Spanish groups from five digits). */
export function formatNumber(language: Language, n: number): string {
  return cached(`n|${language}`, () => new Intl.NumberFormat(language)).format(n)
}

/** "2, 5, and 8" / "2, 5 y 8". */
export function formatList(language: Language, items: readonly string[]): string {
  return cached(`l|${language}`, () => new Intl.ListFormat(language, { type: 'conjunction' })).format(items)
}
