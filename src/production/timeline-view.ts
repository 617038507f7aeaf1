import type { TimelineViewData } from './schemas.js'
import type { Timeline } from './timeline.js'

/** The API shape of a timeline: post summaries instead of whole public posts. */
export function toTimelineView(slug: string, timeline: Timeline): TimelineViewData {
  return {
    channel: slug,
    production: timeline.production,
    lastChapter: timeline.lastChapter,
    weeks: timeline.weeks.map((w) => ({
      ...w,
      posts: w.posts.map((p) => ({
        id: p.id,
        url: p.url,
        title: p.title,
        publishedAt: new Date(p.publishedAt).toISOString(),
        isSpoiler: p.spoiler !== null || p.images.some((i) => i.isSpoiler),
      })),
    })),
  }
}
