import { t } from './i18n.js'
import type { Post, PostProduction } from './types.js'

/**
 * A post's production tags as the fan app shows them, and the tag filter of the channel page.
 * Week tags lead to that week on the timeline (where the weeks' posts are grouped); chapter,
 * location and unit tags lead to the channel's posts with that tag (`?chapter=8`, `?location=…`).
 * The API has no tag query, so the channel page filters the posts it has loaded and keeps loading
 * older pages while the filter is on.
 */

export type TagKind = 'week' | 'chapter' | 'location' | 'unit'

export interface Tag {
  kind: TagKind
  label: string
  href: string
}

export interface TagFilter {
  kind: TagKind
  value: string
}

const channelHref = (slug: string) => `/app/c/${encodeURIComponent(slug)}`

export function timelineHref(slug: string, week?: number): string {
  return `${channelHref(slug)}/timeline${week === undefined ? '' : `#week-${week}`}`
}

export function tagHref(slug: string, filter: TagFilter): string {
  return `${channelHref(slug)}?${new URLSearchParams({ [filter.kind]: filter.value })}`
}

/** "Weeks 11–14", "Week 3". */
export function weeksLabel(weeks: { from: number; to: number }): string {
  return weeks.to > weeks.from ? t('tags.weeks', weeks) : t('tags.week', { week: weeks.from })
}

/** The tags of a post, in a fixed order: weeks, chapters, location, unit. */
export function tagsOf(post: Pick<Post, 'channel' | 'production'>, chapterLabel = t('tags.chapter')): Tag[] {
  const p: PostProduction | null | undefined = post.production
  if (!p) return []
  const slug = post.channel
  const tags: Tag[] = []
  if (p.weeks) tags.push({ kind: 'week', label: weeksLabel(p.weeks), href: timelineHref(slug, p.weeks.from) })
  for (const n of p.chapters) {
    tags.push({
      kind: 'chapter',
      label: `${chapterLabel} ${n}`,
      href: tagHref(slug, { kind: 'chapter', value: String(n) }),
    })
  }
  if (p.location) {
    tags.push({
      kind: 'location',
      label: p.location,
      href: tagHref(slug, { kind: 'location', value: p.location }),
    })
  }
  if (p.unit) tags.push({ kind: 'unit', label: p.unit, href: tagHref(slug, { kind: 'unit', value: p.unit }) })
  return tags
}

/** The channel page's tag filter from its query (`?week=11`, `?chapter=8`, `?location=…`, `?unit=…`). */
export function tagFilterOf(search: URLSearchParams): TagFilter | null {
  for (const kind of ['week', 'chapter', 'location', 'unit'] as const) {
    const value = search.get(kind)?.trim()
    if (value) return { kind, value }
  }
  return null
}

export function matchesTag(post: Pick<Post, 'production'>, filter: TagFilter): boolean {
  const p = post.production
  if (!p) return false
  switch (filter.kind) {
    case 'week': {
      const week = Number(filter.value)
      return p.weeks !== null && week >= p.weeks.from && week <= p.weeks.to
    }
    case 'chapter':
      return p.chapters.includes(Number(filter.value))
    case 'location':
      return p.location?.toLowerCase() === filter.value.toLowerCase()
    case 'unit':
      return p.unit?.toLowerCase() === filter.value.toLowerCase()
  }
}

/** "Week 11", "Chapter 8", "Location: Harbour", "Unit: Second unit". */
export function filterLabel(filter: TagFilter, chapterLabel = t('tags.chapter')): string {
  switch (filter.kind) {
    case 'week':
      return t('tags.week', { week: filter.value })
    case 'chapter':
      return `${chapterLabel} ${filter.value}`
    case 'location':
      return t('tags.location', { value: filter.value })
    case 'unit':
      return t('tags.unit', { value: filter.value })
  }
}
