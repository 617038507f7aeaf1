/**
 * The island's words, in the page's language: the server renders them into the page as JSON in
 * `<main data-island data-text>` (src/pages/text.ts `islandText`) from the `pages` catalog, so
 * nothing here is English of its own. Plural messages come with every form of
 * the language; the form is picked by Intl.PluralRules for `<html lang>`. A page without them
 * (an older cached copy) gets the keys themselves, never a crash.
 */

type Forms = Record<string, string>

interface IslandMessages {
  openInApp: string
  join: string
  timelineUpdated: string
  postDeleted: string
  postChanged: string
  updated: string
  outOfDate: string
  newPosts: Forms
  reactions: Forms
  voters: Forms
}

export type PluralKey = 'newPosts' | 'reactions' | 'voters'
export type PlainKey = Exclude<keyof IslandMessages, PluralKey>

function readMessages(): Partial<IslandMessages> {
  const json = document.querySelector<HTMLElement>('main[data-island]')?.dataset.text
  try {
    return json ? (JSON.parse(json) as Partial<IslandMessages>) : {}
  } catch {
    return {}
  }
}

const messages = readMessages()
/** The page's language, as the server rendered it. */
export const pageLanguage = document.documentElement.lang || 'en'
const plurals = new Intl.PluralRules(pageLanguage)
const numbers = new Intl.NumberFormat(pageLanguage)

export function text(key: PlainKey): string {
  return messages[key] ?? key
}

/**
 * The plural message `key` for `count`, split around the number so a caller can put the number in
 * an element of its own: [before, number, after].
 */
export function pluralParts(key: PluralKey, count: number): [string, string, string] {
  const forms = messages[key] ?? {}
  const message = forms[plurals.select(count)] ?? forms.other ?? `${key}: {{count}}`
  const number = numbers.format(count)
  const [before = '', after = ''] = message.split(/\{\{(?:count|number)\}\}/)
  return [before, number, after]
}

/** A number as the page's language writes it. */
export function formatCount(n: number): string {
  return numbers.format(n)
}

/** The plural message `key` for `count` as one string. */
export function plural(key: PluralKey, count: number): string {
  return pluralParts(key, count).join('')
}

const relative = new Intl.RelativeTimeFormat(pageLanguage, { numeric: 'auto' })

/** "3 hours ago" / "hace 3 horas" in the page's language (the app's format.ts uses the browser's). */
export function relativeTime(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  const seconds = Math.round((ms - now) / 1000)
  const abs = Math.abs(seconds)
  if (abs < 45) return relative.format(0, 'second')
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour')
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day')
  return new Date(ms).toLocaleDateString(pageLanguage)
}
