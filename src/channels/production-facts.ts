import type { ChannelRow } from '../db/schema.js'
import { DEFAULT_LANGUAGE, formatList, type Language, translator } from '../i18n/index.js'
import type { ProductionInput, ProductionViewData } from './production-schemas.js'
import { cleanLine, invalidField } from './text-fields.js'

/**
 * Production facts of a channel (issue 6 item 1), kept as JSON in `channel.production`. The
 * stored shape is the view without chapter numbers (chapter n is item n − 1), so the numbers can
 * never disagree with the order. They are part of the channel row, so parsing and presenting them
 * is channels' knowledge (the channel view shows them); the production area above uses them for
 * tags, the timeline and digests (its filming-week arithmetic is production/weeks.ts).
 */
interface StoredProduction {
  kind: ProductionViewData['kind']
  title: string
  season: number | null
  chapterLabel: string
  chapters: { title: string | null; airDate: string | null }[]
  filmingStartsOn: string | null
  filmingWeeks: number | null
  autoLiftSpoilers: boolean
}

/** The channel's production facts, or null when it describes none. */
export function productionOf(channel: Pick<ChannelRow, 'production'>): ProductionViewData | null {
  if (channel.production === null) return null
  const stored = JSON.parse(channel.production) as StoredProduction
  return {
    ...stored,
    chapters: stored.chapters.map((c, i) => ({ number: i + 1, title: c.title, airDate: c.airDate })),
  }
}

/** Validates and normalises a PUT body into the JSON stored in `channel.production`. */
export function cleanProduction(input: ProductionInput): string {
  const chapters = (input.chapters ?? []).map((c, i) => ({
    title: cleanLine(c.title, `/chapters/${i}/title`),
    airDate: c.airDate == null ? null : checkDate(c.airDate, `/chapters/${i}/airDate`),
  }))
  const stored: StoredProduction = {
    kind: input.kind,
    title: cleanLine(input.title, '/title') ?? invalidField('/title', 'must not be empty'),
    season: input.season ?? null,
    chapterLabel: cleanLine(input.chapterLabel, '/chapterLabel') ?? defaultLabel(input.kind),
    chapters,
    filmingStartsOn:
      input.filmingStartsOn == null ? null : checkDate(input.filmingStartsOn, '/filmingStartsOn'),
    filmingWeeks: input.filmingWeeks ?? null,
    autoLiftSpoilers: input.autoLiftSpoilers ?? false,
  }
  return JSON.stringify(stored)
}

function defaultLabel(kind: ProductionViewData['kind']): string {
  return kind === 'tour' ? 'Show' : kind === 'film' ? 'Part' : 'Chapter'
}

/** `YYYY-MM-DD` that names a real day (the schema's format check accepts 2025-02-30 on some engines). */
function checkDate(value: string, field: string): string {
  const ms = dateToMs(value)
  if (ms === null || new Date(ms).toISOString().slice(0, 10) !== value) {
    invalidField(field, 'must be a real calendar date (YYYY-MM-DD)')
  }
  return value
}

/** Midnight UTC of a YYYY-MM-DD date, or null. */
export function dateToMs(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const ms = Date.parse(`${value}T00:00:00Z`)
  return Number.isNaN(ms) ? null : ms
}

/**
 * The word for one chapter in `language`: the kind's default label ("Chapter", "Show", "Part",
 * stored in English when the owner chose none) is translated (labels:unit.*); a label the owner
 * wrote ("Episode") is their own text and stays as written.
 */
function unitLabel(production: ProductionViewData | null, language: Language, count: number): string {
  const label = production?.chapterLabel ?? 'Chapter'
  const kind = DEFAULT_LABELS[label]
  if (kind) return translator().t(language, `labels:unit.${kind}`, { count })
  return count === 1 ? label : translator().t(language, 'labels:customUnitPlural', { label })
}

const DEFAULT_LABELS: Record<string, string | undefined> = { Chapter: 'chapter', Show: 'show', Part: 'part' }

/** "Chapter 8", "Episode 3 — The Finale" (in `language`, English by default: the API's). */
export function chapterName(
  production: ProductionViewData | null,
  n: number,
  withTitle = false,
  language: Language = DEFAULT_LANGUAGE,
): string {
  const label = unitLabel(production, language, 1)
  const title = withTitle ? production?.chapters[n - 1]?.title : null
  return title
    ? translator().t(language, 'labels:chapterTitled', { label, n, title })
    : translator().t(language, 'labels:chapter', { label, n })
}

/** "8 chapters" / "8 capítulos" / "8 episodes": how many chapters a production has. */
export function chaptersCount(
  production: ProductionViewData | null,
  count: number,
  language: Language = DEFAULT_LANGUAGE,
): string {
  const unit = unitLabel(production, language, count).toLocaleLowerCase(language)
  return translator().t(language, 'labels:unitCount', { count, unit })
}

/** "Chapter 8" / "Chapters 7 and 8" / "Chapters 2, 5, and 8" (lists through Intl.ListFormat). */
export function chaptersPhrase(
  production: ProductionViewData | null,
  chapters: readonly number[],
  language: Language = DEFAULT_LANGUAGE,
): string {
  if (chapters.length === 1) return chapterName(production, chapters[0]!, false, language)
  const label = unitLabel(production, language, chapters.length)
  const list = formatList(
    language,
    chapters.map((n) => String(n)),
  )
  return translator().t(language, 'labels:chapters', { label, list })
}
