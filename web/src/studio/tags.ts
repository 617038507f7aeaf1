import { t } from '../app/i18n.js'
import { weeksLabel } from '../app/tags.js'
import type { PostTags, Production } from './studio-types.js'

/** The production tags as the composer edits them (numbers as typed, so a field may be empty). */
export interface TagsDraft {
  weekFrom: string
  weekTo: string
  chapters: number[]
  location: string
  unit: string
}

export const emptyTags: TagsDraft = { weekFrom: '', weekTo: '', chapters: [], location: '', unit: '' }

export function toTagsDraft(tags: PostTags | null | undefined): TagsDraft {
  if (!tags) return emptyTags
  return {
    weekFrom: tags.weeks ? String(tags.weeks.from) : '',
    weekTo: tags.weeks && tags.weeks.to !== tags.weeks.from ? String(tags.weeks.to) : '',
    chapters: [...tags.chapters],
    location: tags.location ?? '',
    unit: tags.unit ?? '',
  }
}

/**
 * The `production` body (`POST …/posts` or `PUT …/posts/{id}/production`), or null when nothing is
 * tagged. A range "from" alone is one week; "to" alone is ignored until "from" is set. The server
 * checks the weeks and chapters against the channel's facts.
 */
export function tagsBody(d: TagsDraft): Record<string, unknown> | null {
  const body: Record<string, unknown> = {}
  const from = Number.parseInt(d.weekFrom, 10)
  const to = Number.parseInt(d.weekTo, 10)
  if (Number.isFinite(from)) body.weeks = Number.isFinite(to) ? { from, to } : { from }
  if (d.chapters.length > 0) body.chapters = [...d.chapters].sort((a, b) => a - b)
  if (d.location.trim()) body.location = d.location.trim()
  if (d.unit.trim()) body.unit = d.unit.trim()
  return Object.keys(body).length > 0 ? body : null
}

/** "Chapter 8 — The Last Night" (or "Chapter 8" when untitled). */
export function chapterName(production: Production, n: number): string {
  const title = production.chapters[n - 1]?.title
  return `${production.chapterLabel} ${n}${title ? ` — ${title}` : ''}`
}

/** "Weeks 11–14 · Chapter 8 · Glasgow · Second unit": the tags in one line for lists. */
export function tagsSummary(tags: PostTags | null | undefined, production: Production | null): string {
  if (!tags) return ''
  const parts: string[] = []
  if (tags.weeks) parts.push(weeksLabel(tags.weeks))
  for (const n of tags.chapters)
    parts.push(production ? chapterName(production, n) : `${t('tags.chapter')} ${n}`)
  if (tags.location) parts.push(tags.location)
  if (tags.unit) parts.push(tags.unit)
  return parts.join(' · ')
}
