import { formatDateTime, formatDay, formatNumber, type Language, translator } from '../i18n/index.js'
import { html, type SafeHtml } from './html.js'

/**
 * The fixed words of the public pages, feeds and the island in one language (issue 16 point 4):
 * messages from the `pages` catalog (locales/<language>/pages.json, through i18next, plurals by
 * Intl.PluralRules) and dates and numbers through Intl. Templates take one and never hold English
 * of their own; what they interpolate is escaped by `html` like any other value.
 */
export interface PageText {
  language: Language
  /** `pages:<key>` in this language. */
  t(key: string, values?: Record<string, unknown>): string
  /** A moment as "Jan 5, 2026, 6:40 PM UTC" / "5 ene 2026, 18:40 UTC". */
  dateTime(ms: number): string
  /** A calendar day (YYYY-MM-DD or ms) as "Jan 5, 2026" / "5 ene 2026". */
  day(value: string | number): string
  /**
   * A count whose number the island replaces live (`counts` frames): the plural message with the
   * number inside `<span data-…>` and the whole in `<span data-count-label>`, so the island can
   * pick the plural form again for the new number (forms from `islandText`).
   */
  liveCount(key: 'reactions' | 'voters', count: number): SafeHtml
  /** Every plural form of `pages:<key>` in this language, by Intl.PluralRules category. */
  pluralForms(key: string): Record<string, string>
}

const MARK = '\u0001'

function createPageText(language: Language): PageText {
  const messages = translator()
  const t = (key: string, values?: Record<string, unknown>) => messages.t(language, `pages:${key}`, values)
  function pluralForms(key: string): Record<string, string> {
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories
    return Object.fromEntries(
      categories.map((c) => {
        const own = `pages:${key}_${c}`
        // Spanish `many` (1 000 000) may be left to `other`, as the catalog test allows.
        return [c, messages.t(language, messages.has(language, own) ? own : `pages:${key}_other`)]
      }),
    )
  }
  function liveCount(key: 'reactions' | 'voters', count: number): SafeHtml {
    const [before, after] = t(`counts.${key}`, { count, number: MARK }).split(MARK)
    return html`<span data-count-label="${key}">${before}<span data-${key === 'reactions' ? 'reactions' : 'voters'}>${formatNumber(language, count)}</span>${after ?? ''}</span>`
  }
  return {
    language,
    t,
    dateTime: (ms) => formatDateTime(language, ms),
    day: (value) => formatDay(language, value),
    liveCount,
    pluralForms,
  }
}

const texts = new Map<Language, PageText>()

/** The page text of `language` (made on first use, once per language). */
export function pageText(language: Language): PageText {
  let text = texts.get(language)
  if (!text) {
    text = createPageText(language)
    texts.set(language, text)
  }
  return text
}

/**
 * What the island (web/src/island) shows in the page's language, rendered into the page as JSON in
 * `<main data-text>` (templates.ts). Plural messages come as all their forms; the island picks one
 * with Intl.PluralRules for the page's `<html lang>`.
 */
export function islandText(text: PageText): Record<string, unknown> {
  const plain = ['openInApp', 'join', 'timelineUpdated', 'postDeleted', 'postChanged', 'updated', 'outOfDate']
  return {
    ...Object.fromEntries(plain.map((key) => [key, text.t(`island.${key}`)])),
    newPosts: text.pluralForms('island.newPosts'),
    reactions: text.pluralForms('counts.reactions'),
    voters: text.pluralForms('counts.voters'),
  }
}
