import { chapterName, type ProductionViewData, productionOf } from '../channels/index.js'
import type { ChannelRow } from '../db/schema.js'
import { DEFAULT_LANGUAGE, formatDay, type Language, translator } from '../i18n/index.js'
import {
  blurredImageText,
  channelVersion,
  type PublicPost,
  type ReadDeps,
  readPosts,
} from '../reads/index.js'
import { VersionCache } from '../util/version-cache.js'
import { newestPerWeek, type WeekGroupRow, weekGroups } from './timeline-store.js'
import { weekStartsOn } from './weeks.js'

/**
 * The production timeline (issue 6 item 2): published posts grouped by filming week, with the
 * chapters each week concerned, the last chapter reached and a cover image per week. A post tagged
 * with a week range counts in every week of it; an untagged post falls into its publication week
 * (counted from the start of filming, or the calendar week when the channel has no start date).
 *
 * Its work is bounded by the weeks shown, not by the posts (issue 14 item 6): counts and chapters
 * come from one aggregate query, each week's newest posts from one windowed query, and only those
 * (at most POSTS_PER_WEEK a week) go through the read pipeline. Every published post counts, however
 * many there are.
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

export const POSTS_PER_WEEK = 6

interface Group {
  week: number | null
  startsOn: string | null
  chapters: Set<number>
  postCount: number
  /** Newest first, at most POSTS_PER_WEEK once complete. */
  postIds: string[]
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** The timeline with its labels (weeks, chapters, covers, post titles) in `language`. */
export async function buildTimeline(
  deps: ReadDeps,
  channel: ChannelRow,
  language: Language = DEFAULT_LANGUAGE,
): Promise<Timeline> {
  const production = productionOf(channel)
  const hasStart = production?.filmingStartsOn != null
  const groups = new Map<string, Group>()
  const group = (week: number | null, startsOn: string | null) => {
    const key = week === null ? `d${startsOn}` : `w${week}`
    let g = groups.get(key)
    if (!g) {
      g = { week, startsOn, chapters: new Set(), postCount: 0, postIds: [] }
      groups.set(key, g)
    }
    return g
  }
  /** The group of a tagged week, or of an untagged post's bucket. */
  const groupOf = (week: number | null, bucket: number | null) =>
    week !== null
      ? group(week, weekStartsOn(production, week))
      : hasStart
        ? group(bucket!, weekStartsOn(production, bucket!))
        : group(null, isoDay(bucket!))

  const rows = await weekGroups(deps.db, channel.id, production)
  let lastChapter = 0
  let maxWeek = 0
  for (const row of rows) {
    const chapters = row.chapters === null ? [] : (JSON.parse(row.chapters) as number[])
    for (const n of chapters) lastChapter = Math.max(lastChapter, n)
    for (const g of weeksOf(row).map((week) => groupOf(week, row.bucket))) {
      g.postCount += row.posts
      for (const n of chapters) g.chapters.add(n)
    }
    if (row.week_from !== null) maxWeek = Math.max(maxWeek, row.week_to ?? row.week_from)
  }
  // Rows come newest first: each group keeps its first POSTS_PER_WEEK (a filming week may get
  // some from its tagged posts and some from its untagged ones).
  for (const row of await newestPerWeek(deps.db, channel.id, production, maxWeek, POSTS_PER_WEEK)) {
    const g = groupOf(row.week, row.bucket)
    if (g.postIds.length < POSTS_PER_WEEK) g.postIds.push(row.id)
  }
  const numbered = [...groups.values()].filter((g) => g.week !== null)
  // Empty filming weeks are shown too ("nothing posted in week 3"), but not the months after
  // filming ended that only hold the odd untagged post.
  const lastWeek = Math.max(0, ...numbered.map((g) => g.week!))
  const fillTo = Math.min(lastWeek, production?.filmingWeeks ?? lastWeek)
  for (let week = 1; week <= fillTo; week++) group(week, weekStartsOn(production, week))
  const ordered = [...groups.values()].sort(compareGroups)
  const shownIds = [...new Set(ordered.flatMap((g) => g.postIds))]
  const shown = await readPosts(deps, channel, shownIds, { language })
  const byId = new Map(shown.map((p) => [p.id, p]))
  return {
    production,
    lastChapter: lastChapterOf(production, lastChapter, language),
    weeks: ordered.map((g) => toWeek(production, g, byId, language)),
  }
}

/** The tagged weeks a group row covers; one null (its bucket decides) for untagged posts. */
function weeksOf(row: WeekGroupRow): (number | null)[] {
  if (row.week_from === null) return [null]
  const to = row.week_to ?? row.week_from
  return Array.from({ length: to - row.week_from + 1 }, (_, i) => row.week_from! + i)
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
  language: Language,
): TimelineWeek {
  const posts = g.postIds.map((id) => byId.get(id)).filter((p): p is PublicPost => p !== undefined)
  // The cover: the first image of the week's earliest post that has one (blurred if a spoiler).
  const image = [...posts].reverse().find((p) => p.images.length > 0)?.images[0]
  return {
    week: g.week,
    label:
      g.week === null
        ? translator().t(language, 'labels:weekOf', {
            date: language === DEFAULT_LANGUAGE ? g.startsOn : formatDay(language, g.startsOn!),
          })
        : translator().t(language, 'labels:week', { week: g.week }),
    startsOn: g.startsOn,
    chapters: [...g.chapters]
      .sort((a, b) => a - b)
      .map((n) => ({ number: n, name: chapterName(production, n, true, language) })),
    postCount: g.postCount,
    posts,
    cover: image
      ? {
          url: image.display.url,
          width: image.display.width,
          height: image.display.height,
          alt: image.isSpoiler ? blurredImageText(image, language) : image.alt,
          isSpoiler: image.isSpoiler,
        }
      : null,
  }
}

function lastChapterOf(
  production: ProductionViewData | null,
  n: number,
  language: Language,
): Timeline['lastChapter'] {
  if (n === 0 || !production) return null
  const of = production.chapters.length
  const name = chapterName(production, n, false, language)
  const isLast = n === of
  const label = translator().t(language, isLast ? 'labels:lastChapterFinal' : 'labels:lastChapter', {
    name,
    of,
  })
  return { number: n, of, name, isLast, label }
}

/**
 * Timelines kept per channel, language and version (util/version-cache.ts), shared by the page and
 * the API (which asks for English): a timeline holds only what the public read rules let through,
 * the same for every reader the caller has let in, so one build per language serves them all until
 * the next event (or 60 s).
 */
export function createTimelineReader(
  deps: ReadDeps,
): (channel: ChannelRow, language?: Language) => Promise<Timeline> {
  const cache = new VersionCache<Timeline>({ clock: deps.clock })
  return (channel, language = DEFAULT_LANGUAGE) =>
    cache.get(`${channel.id}|${language}`, channelVersion(channel), () =>
      buildTimeline(deps, channel, language),
    )
}
