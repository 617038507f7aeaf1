import {
  chapterName,
  cleanLine,
  invalidField,
  type ProductionViewData,
  WEEKS_MAX,
} from '../channels/index.js'
import type { PostProductionRow } from '../db/schema.js'
import { DEFAULT_LANGUAGE, type Language, translator } from '../i18n/index.js'
import type { ProductionTagsInput, ProductionTagsViewData } from './schemas.js'
import { weeksLabel } from './weeks.js'

/** Production tags of a post after validation, ready to store (chapters ascending). */
export interface CleanTags {
  weekFrom: number | null
  weekTo: number | null
  chapters: number[]
  location: string | null
  unit: string | null
}

/**
 * Checks a post's production tags against the channel's production facts (issue 6 item 1): a week
 * range runs forwards and stays within the planned filming weeks; every chapter exists. `prefix`
 * is the JSON pointer of the tags in the request body (field errors name the exact value).
 * Returns null when the tags say nothing (no row is kept).
 */
export function cleanTags(
  input: ProductionTagsInput,
  production: ProductionViewData | null,
  prefix = '/production',
): CleanTags | null {
  let weekFrom: number | null = null
  let weekTo: number | null = null
  if (input.weeks) {
    weekFrom = input.weeks.from
    weekTo = input.weeks.to ?? input.weeks.from
    if (weekTo < weekFrom) invalidField(`${prefix}/weeks/to`, 'must not be before weeks.from')
    const maxWeek = production?.filmingWeeks ?? WEEKS_MAX
    if (weekTo > maxWeek) invalidField(`${prefix}/weeks/to`, `must be at most ${maxWeek} (filming weeks)`)
  }
  const chapters = [...new Set(input.chapters ?? [])].sort((a, b) => a - b)
  const known = production?.chapters.length ?? 0
  chapters.forEach((n, i) => {
    if (n > known) {
      const message =
        known === 0
          ? 'names a chapter, but the channel describes no chapters'
          : `names chapter ${n}; the production has ${known}`
      invalidField(`${prefix}/chapters/${i}`, message)
    }
  })
  const location = cleanLine(input.location, `${prefix}/location`)
  const unit = cleanLine(input.unit, `${prefix}/unit`)
  if (weekFrom === null && chapters.length === 0 && location === null && unit === null) return null
  return { weekFrom, weekTo, chapters, location, unit }
}

export function toTagsView(row: PostProductionRow | undefined): ProductionTagsViewData | null {
  if (!row) return null
  return {
    weeks: row.week_from === null ? null : { from: row.week_from, to: row.week_to ?? row.week_from },
    chapters: JSON.parse(row.chapters) as number[],
    location: row.location,
    unit: row.unit,
  }
}

/** Human labels of a post's tags: "Weeks 11–14", "Chapter 8 — Finale", "Location: …", "Unit: …". */
export function tagLabels(
  production: ProductionViewData | null,
  tags: ProductionTagsViewData | null,
  language: Language = DEFAULT_LANGUAGE,
): string[] {
  if (!tags) return []
  const t = translator()
  const labels: string[] = []
  if (tags.weeks) labels.push(weeksLabel(tags.weeks, language))
  for (const n of tags.chapters) labels.push(chapterName(production, n, true, language))
  if (tags.location) labels.push(t.t(language, 'labels:location', { location: tags.location }))
  if (tags.unit) labels.push(t.t(language, 'labels:unitTag', { unit: tags.unit }))
  return labels
}
