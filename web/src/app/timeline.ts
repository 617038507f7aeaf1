import { t } from './i18n.js'
import { weeksLabel } from './tags.js'
import type { ProductionFacts } from './types.js'

/** `GET …/channels/{slug}/timeline` (docs/api.md "Timeline"). */
export interface Timeline {
  channel: string
  production: ProductionFacts | null
  lastChapter: { number: number; of: number; name: string; isLast: boolean; label: string } | null
  weeks: TimelineWeek[]
}

export interface TimelineWeek {
  /** Filming week; null for a calendar week (the channel has no start of filming). */
  week: number | null
  label: string
  startsOn: string | null
  chapters: { number: number; name: string }[]
  postCount: number
  /** The week's newest posts (at most 6). */
  posts: { id: string; url: string; title: string; publishedAt: string; isSpoiler: boolean }[]
  /** The first image of the week's earliest post; the blurred rendering for a spoiler. */
  cover: { url: string; width: number; height: number; alt: string; isSpoiler: boolean } | null
}

/** "Weeks 1–14, Chapter 8 of 8 — the last chapter": the span filmed so far and where the story is. */
export function timelineSummary(timeline: Pick<Timeline, 'weeks' | 'lastChapter'>): string {
  const numbered = timeline.weeks.map((w) => w.week).filter((w): w is number => w !== null)
  const parts: string[] = []
  if (numbered.length > 0) {
    const first = Math.min(...numbered)
    const last = Math.max(...numbered)
    parts.push(weeksLabel({ from: first, to: last }))
  }
  if (timeline.lastChapter) parts.push(chapterLabel(timeline.lastChapter))
  return parts.join(', ')
}

/** "Chapter 8 of 8 — the last chapter" (the server's `label` is English; the parts are not). */
export function chapterLabel(chapter: NonNullable<Timeline['lastChapter']>): string {
  return t(chapter.isLast ? 'timeline.lastChapter' : 'timeline.chapterOf', {
    name: chapter.name,
    of: chapter.of,
  })
}

/** A week's heading: "Week 11", or "Week of 2026-03-02" for a calendar week. */
export function weekLabel(week: Pick<TimelineWeek, 'week' | 'startsOn' | 'label'>): string {
  if (week.week !== null) return t('tags.week', { week: week.week })
  return week.startsOn ? t('timeline.weekOf', { date: week.startsOn }) : week.label
}
