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
export function timelineSummary(t: Pick<Timeline, 'weeks' | 'lastChapter'>): string {
  const numbered = t.weeks.map((w) => w.week).filter((w): w is number => w !== null)
  const parts: string[] = []
  if (numbered.length > 0) {
    const first = Math.min(...numbered)
    const last = Math.max(...numbered)
    parts.push(last > first ? `Weeks ${first}–${last}` : `Week ${first}`)
  }
  if (t.lastChapter) parts.push(t.lastChapter.label)
  return parts.join(', ')
}
