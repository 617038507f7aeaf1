import type { ChannelRow } from '../db/schema.js'
import type { ReadDeps } from '../reads/pipeline.js'
import { presentPosts } from '../reads/pipeline.js'
import { publishedPosts } from '../reads/store.js'
import type { PublicPost } from '../reads/types.js'
import { calendarWeekOf, chapterName, filmingWeekOf, productionOf, weekStartsOn } from './facts.js'
import type { ProductionViewData } from './schemas.js'
import { tagsByPost } from './store.js'
import { toTagsView } from './tags.js'

/**
 * The production timeline (issue 6 item 2): published posts grouped by filming week, with the
 * chapters each week concerned, the last chapter reached and a cover image per week. A post tagged
 * with a week range counts in every week of it; an untagged post falls into its publication week
 * (counted from the start of filming, or the calendar week when the channel has no start date).
 */
export interface TimelineWeek {
  /** Filming week number; null for a calendar week (no start of filming). */
  week: number | null
  label: string
  startsOn: string | null
  chapters: { number: number; name: string }[]
  postCount: number
  /** The newest posts of the week (at most POSTS_PER_WEEK), newest first. */
  posts: PublicPost[]
  cover: { url: string; width: number; height: number; alt: string; isSpoiler: boolean } | null
}

export interface Timeline {
  production: ProductionViewData | null
  lastChapter: { number: number; of: number; name: string; isLast: boolean; label: string } | null
  weeks: TimelineWeek[]
}

/** Posts read for a timeline; older ones are left out (documented limit). */
export const TIMELINE_POSTS_MAX = 5000
const POSTS_PER_WEEK = 6

interface Group {
  week: number | null
  startsOn: string | null
  chapters: Set<number>
  postIds: string[]
}

export async function buildTimeline(deps: ReadDeps, channel: ChannelRow): Promise<Timeline> {
  const production = productionOf(channel)
  const rows = await publishedPosts(deps.db, channel.id, { limit: TIMELINE_POSTS_MAX })
  const tags = await tagsByPost(
    deps.db,
    rows.map((r) => r.id),
  )
  const groups = new Map<string, Group>()
  const group = (week: number | null, startsOn: string | null) => {
    const key = week === null ? `d${startsOn}` : `w${week}`
    let g = groups.get(key)
    if (!g) {
      g = { week, startsOn, chapters: new Set(), postIds: [] }
      groups.set(key, g)
    }
    return g
  }
  let lastChapter = 0
  for (const row of rows) {
    const tagView = toTagsView(tags.get(row.id))
    const chapters = tagView?.chapters ?? []
    for (const n of chapters) lastChapter = Math.max(lastChapter, n)
    const weekNumbers = tagView?.weeks
      ? range(tagView.weeks.from, tagView.weeks.to)
      : [filmingWeekOf(production, row.published_at!)]
    for (const week of weekNumbers) {
      const g =
        week === null
          ? group(null, calendarWeekOf(row.published_at!))
          : group(week, weekStartsOn(production, week))
      g.postIds.push(row.id)
      for (const n of chapters) g.chapters.add(n)
    }
  }
  const numbered = [...groups.values()].filter((g) => g.week !== null)
  // Empty filming weeks are shown too ("nothing posted in week 3"), but not the months after
  // filming ended that only hold the odd untagged post.
  const maxWeek = Math.max(0, ...numbered.map((g) => g.week!))
  const fillTo = Math.min(maxWeek, production?.filmingWeeks ?? maxWeek)
  for (let week = 1; week <= fillTo; week++) group(week, weekStartsOn(production, week))
  const ordered = [...groups.values()].sort(compareGroups)
  const shownIds = new Set(ordered.flatMap((g) => g.postIds.slice(0, POSTS_PER_WEEK)))
  const shown = await presentPosts(
    deps,
    channel,
    rows.filter((r) => shownIds.has(r.id)),
  )
  const byId = new Map(shown.map((p) => [p.id, p]))
  return {
    production,
    lastChapter: lastChapterOf(production, lastChapter),
    weeks: ordered.map((g) => toWeek(production, g, byId)),
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

function compareGroups(a: Group, b: Group): number {
  if (a.week !== null && b.week !== null) return a.week - b.week
  if (a.week !== null) return -1
  if (b.week !== null) return 1
  return a.startsOn!.localeCompare(b.startsOn!)
}

function toWeek(
  production: ProductionViewData | null,
  g: Group,
  byId: Map<string, PublicPost>,
): TimelineWeek {
  const posts = g.postIds
    .slice(0, POSTS_PER_WEEK)
    .map((id) => byId.get(id))
    .filter((p): p is PublicPost => p !== undefined)
  // The cover: the first image of the week's earliest post that has one (blurred if a spoiler).
  const image = [...posts].reverse().find((p) => p.images.length > 0)?.images[0]
  return {
    week: g.week,
    label: g.week === null ? `Week of ${g.startsOn}` : `Week ${g.week}`,
    startsOn: g.startsOn,
    chapters: [...g.chapters]
      .sort((a, b) => a - b)
      .map((n) => ({ number: n, name: chapterName(production, n, true) })),
    postCount: g.postIds.length,
    posts,
    cover: image
      ? {
          url: image.display.url,
          width: image.display.width,
          height: image.display.height,
          alt: image.isSpoiler ? 'Spoiler (blurred image)' : image.alt,
          isSpoiler: image.isSpoiler,
        }
      : null,
  }
}

function lastChapterOf(production: ProductionViewData | null, n: number): Timeline['lastChapter'] {
  if (n === 0 || !production) return null
  const of = production.chapters.length
  const name = chapterName(production, n)
  const isLast = n === of
  return { number: n, of, name, isLast, label: `${name} of ${of}${isLast ? ' — the last chapter' : ''}` }
}
