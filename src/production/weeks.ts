import { dateToMs, type ProductionViewData } from '../channels/index.js'
import { DEFAULT_LANGUAGE, type Language, translator } from '../i18n/index.js'

/** Filming weeks and calendar weeks: how the timeline and digests group posts in time. */

const DAY_MS = 86_400_000
export const WEEK_MS = 7 * DAY_MS

/** "Week 11", "Weeks 11–14" (in `language`; English, the API's, by default). */
export function weeksLabel(
  weeks: { from: number; to: number },
  language: Language = DEFAULT_LANGUAGE,
): string {
  return weeks.from === weeks.to
    ? translator().t(language, 'labels:week', { week: weeks.from })
    : translator().t(language, 'labels:weeks', { from: weeks.from, to: weeks.to })
}

/** The filming week (1-based) a moment falls into, or null without a start of filming. */
export function filmingWeekOf(production: ProductionViewData | null, at: number): number | null {
  const start = production?.filmingStartsOn ? dateToMs(production.filmingStartsOn) : null
  if (start === null) return null
  return Math.max(1, Math.floor((at - start) / WEEK_MS) + 1)
}

/** First day (YYYY-MM-DD) of a filming week, or null without a start of filming. */
export function weekStartsOn(production: ProductionViewData | null, week: number): string | null {
  const start = production?.filmingStartsOn ? dateToMs(production.filmingStartsOn) : null
  if (start === null) return null
  return new Date(start + (week - 1) * WEEK_MS).toISOString().slice(0, 10)
}

/** Monday (UTC) of the calendar week holding `at`: the group of an untagged post without a filming start. */
export function calendarWeekOf(at: number): string {
  const day = new Date(at)
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())
  const sinceMonday = (day.getUTCDay() + 6) % 7
  return new Date(midnight - sinceMonday * DAY_MS).toISOString().slice(0, 10)
}
