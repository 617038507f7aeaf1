import type { ReachReport } from './schemas.js'
import { DAY_MS } from './service.js'
import type { readReach } from './store.js'

const EXCERPT = 80
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)
const excerpt = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text)

/** Every day of the window (zeros included), the totals and the top lists. */
export function toReachReport(
  fromDay: number,
  toDay: number,
  rows: Awaited<ReturnType<typeof readReach>>,
): ReachReport {
  const days = new Map<number, ReachReport['days'][number]>()
  for (let d = fromDay; d <= toDay; d++)
    days.set(d, { day: isoDay(d), pages: 0, embeds: 0, feeds: 0, oembed: 0, visitors: 0, bots: 0 })
  const at = (day: number) => days.get(Number(day))
  for (const row of rows.channelDays) {
    const day = at(row.day)
    if (!day) continue
    day.pages += Number(row.page_views)
    day.bots += Number(row.bots)
    day.visitors += Number(row.visitors)
  }
  for (const row of rows.liveVisitors) {
    const day = at(row.day)
    if (day) day.visitors += Number(row.n)
  }
  for (const row of rows.postDays) {
    const day = at(row.day)
    if (!day) continue
    const field = row.surface === 'page' ? 'pages' : row.surface === 'embed' ? 'embeds' : 'oembed'
    day[field] += Number(row.views)
    day.bots += Number(row.bots)
  }
  for (const row of rows.feedDays) {
    const day = at(row.day)
    if (day) day.feeds += Number(row.fetches)
  }
  const list = [...days.values()]
  const sum = (field: 'pages' | 'embeds' | 'feeds' | 'oembed' | 'bots') =>
    list.reduce((n, d) => n + d[field], 0)
  return {
    days: list,
    totals: {
      pages: sum('pages'),
      embeds: sum('embeds'),
      feeds: sum('feeds'),
      oembed: sum('oembed'),
      bots: sum('bots'),
    },
    origins: rows.origins.map((o) => ({ origin: o.origin, views: Number(o.views), posts: Number(o.posts) })),
    embeds: rows.embeds.map((e) => ({
      postId: e.post_id,
      excerpt: excerpt(e.text),
      origin: e.origin,
      views: Number(e.views),
    })),
    posts: rows.posts.map((p) => ({
      postId: p.post_id,
      excerpt: excerpt(p.text),
      pages: Number(p.page),
      embeds: Number(p.embed),
      oembed: Number(p.oembed),
    })),
    readers: rows.readers,
  }
}
