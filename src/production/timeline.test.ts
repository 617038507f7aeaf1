import type { KyselyPlugin } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../test/_util/db.js'
import { dateToMs, productionOf } from '../channels/index.js'
import { type DatabaseHandle, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import type { ChannelRow, PostProductionRow } from '../db/schema.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { ReadDeps } from '../reads/index.js'
import { digestPosts } from './digest-select.js'
import { buildTimeline, POSTS_PER_WEEK } from './timeline.js'
import { calendarWeekOf, filmingWeekOf, WEEK_MS } from './weeks.js'

/**
 * Issue 14 item 6: the timeline and automatic digests do work in proportion to the weeks and posts
 * they show, not to the channel's posts. 3,000 posts are seeded straight into the database; the
 * reads go through a Kysely plugin that counts statements and returned rows. Before this, the
 * timeline loaded every post (up to 5,000 rows, then their tags) and a digest up to 5,000
 * candidates. The same data checks the SQL week rules against weeks.ts (the rules of record).
 */

const POSTS = 3000
const DAY = 86_400_000
const START = '2026-01-05'
const production = JSON.stringify({
  kind: 'series',
  title: 'The Show',
  season: 2,
  chapterLabel: 'Chapter',
  chapters: Array.from({ length: 8 }, () => ({ title: null, airDate: null })),
  filmingStartsOn: START,
  filmingWeeks: 14,
  autoLiftSpoilers: false,
})

interface Seeded {
  id: string
  publishedAt: number
  tags: { from: number; to: number; chapters: number[] } | null
}

/** Counts what the database hands back: statements and rows. */
function counting() {
  const seen = { queries: 0, rows: 0 }
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      seen.queries++
      return args.node
    },
    transformResult: async (args) => {
      seen.rows += args.result.rows.length
      return args.result
    },
  }
  return { seen, plugin }
}

/** The timeline as the rules of record define it, from the seeded data (the old algorithm). */
function expectedWeeks(channel: ChannelRow, posts: Seeded[]) {
  const facts = productionOf(channel)
  const weeks = new Map<string, { count: number; chapters: Set<number>; ids: string[] }>()
  const newestFirst = [...posts].sort((a, b) => b.publishedAt - a.publishedAt || b.id.localeCompare(a.id))
  for (const p of newestFirst) {
    const keys = p.tags
      ? Array.from({ length: p.tags.to - p.tags.from + 1 }, (_, i) => `Week ${p.tags!.from + i}`)
      : [facts ? `Week ${filmingWeekOf(facts, p.publishedAt)}` : `Week of ${calendarWeekOf(p.publishedAt)}`]
    for (const key of keys) {
      const week = weeks.get(key) ?? { count: 0, chapters: new Set<number>(), ids: [] }
      week.count++
      for (const n of p.tags?.chapters ?? []) week.chapters.add(n)
      if (week.ids.length < POSTS_PER_WEEK) week.ids.push(p.id)
      weeks.set(key, week)
    }
  }
  return weeks
}

describe.each(testDatabases)('timeline and digest reads are bounded (%s)', (kind) => {
  let database: TestDatabase
  let handle: DatabaseHandle
  const channels: Record<'filmed' | 'plain', { row: ChannelRow; posts: Seeded[] }> = {} as never
  const deps = (plugin?: KyselyPlugin): ReadDeps => ({
    db: plugin ? handle.db.withPlugin(plugin) : handle.db,
    clock: { now: () => Date.UTC(2026, 6, 1) },
    // No spoiler images here: the blur store is never asked.
    mediaStore: {} as MediaStore,
    publicUrl: () => new URL('https://backlot.test'),
  })

  async function seedChannel(slug: string, facts: string | null, start: number) {
    const row: ChannelRow = {
      id: `ch-${slug}`,
      slug,
      title: slug,
      description: '',
      visibility: 'public',
      join_policy: 'open',
      reaction_set: null,
      production: facts,
      last_seq: 0,
      require_approval: 0,
      archived_at: null,
      created_at: 0,
      updated_at: 0,
      suspended_at: null,
      suspension_reason: null,
      hidden_at: null,
      featured_at: null,
    }
    await handle.db.insertInto('channel').values(row).execute()
    const posts: Seeded[] = Array.from({ length: POSTS }, (_, i) => {
      // From ten days before the start of filming to about twenty weeks after it, hourly.
      const publishedAt = start - 10 * DAY + i * 3_600_000 + (i % 7) * 60_000
      const week = 1 + (i % 14)
      const tagged = facts !== null && i % 3 !== 0
      const to = i % 5 === 0 ? Math.min(14, week + 2) : week
      const chapters = [Math.ceil((week * 8) / 14)]
      return {
        id: `${slug}-${String(i).padStart(5, '0')}`,
        publishedAt,
        tags: tagged ? { from: week, to, chapters } : null,
      }
    })
    for (let i = 0; i < posts.length; i += 500) {
      const batch = posts.slice(i, i + 500)
      await handle.db
        .insertInto('post')
        .values(
          batch.map((p) => ({
            id: p.id,
            channel_id: row.id,
            author_id: 'author',
            kind: 'text' as const,
            text: `Post ${p.id}`,
            status: 'published' as const,
            publish_at: null,
            published_at: p.publishedAt,
            edited_at: null,
            deleted_at: null,
            pinned_at: null,
            spoiler_label: null,
            idempotency_key: null,
            idempotency_fingerprint: null,
            created_at: p.publishedAt,
            updated_at: p.publishedAt,
          })),
        )
        .execute()
      const tags: PostProductionRow[] = batch
        .filter((p) => p.tags)
        .map((p) => ({
          post_id: p.id,
          channel_id: row.id,
          week_from: p.tags!.from,
          week_to: p.tags!.to,
          chapters: JSON.stringify(p.tags!.chapters),
          location: null,
          unit: null,
        }))
      if (tags.length > 0) await handle.db.insertInto('post_production').values(tags).execute()
    }
    return { row, posts }
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    handle = await openDatabase(database.config)
    await migrateToLatest(handle.db)
    await handle.db
      .insertInto('account')
      .values({
        id: 'author',
        handle: 'author',
        display_name: 'Author',
        password_hash: null,
        email: null,
        created_at: 0,
      })
      .execute()
    const start = dateToMs(START)!
    channels.filmed = await seedChannel('filmed', production, start)
    channels.plain = await seedChannel('plain', null, start)
  }, 120_000)
  afterAll(async () => {
    await handle?.close()
    await database?.drop()
  })

  for (const name of ['filmed', 'plain'] as const) {
    it(`builds the ${name} channel's timeline from a bounded number of rows, as the rules say`, async () => {
      const { row, posts } = channels[name]
      const { seen, plugin } = counting()
      const timeline = await buildTimeline(deps(plugin), row)

      // Bounded: a fixed number of statements, and rows in proportion to the weeks shown (at most
      // POSTS_PER_WEEK posts each, hydrated once), far from the 3,000 posts of the channel.
      expect(seen.queries).toBeLessThanOrEqual(10)
      expect(seen.rows).toBeLessThan(POSTS / 4)
      expect(seen.rows).toBeLessThanOrEqual(timeline.weeks.length * POSTS_PER_WEEK * 5 + 100)

      const expected = expectedWeeks(row, posts)
      expect(timeline.weeks.map((w) => w.label).sort()).toEqual([...expected.keys()].sort())
      for (const week of timeline.weeks) {
        const want = expected.get(week.label)!
        expect(week.postCount, week.label).toBe(want.count)
        expect(week.chapters.map((c) => c.number)).toEqual([...want.chapters].sort((a, b) => a - b))
        expect(week.posts.map((p) => p.id)).toEqual(want.ids)
      }
      expect(timeline.weeks.reduce((n, w) => n + w.postCount, 0)).toBeGreaterThanOrEqual(POSTS)
    })
  }

  it('picks an automatic digest with one limited query, as the rules say', async () => {
    const { row, posts } = channels.filmed
    const facts = productionOf(row)!
    const digest = {
      id: 'd1',
      channel_id: row.id,
      title: 'Weeks 11–12',
      intro: '',
      week_from: 11,
      week_to: 12,
      date_from: null,
      date_to: null,
      post_ids: null,
      max_posts: 5,
      linked_post_id: null,
      created_by: 'author',
      created_at: 0,
      updated_at: 0,
    }
    const { seen, plugin } = counting()
    const chosen = await digestPosts(deps(plugin), row, digest)
    // No reactions anywhere: the newest five of the range, shown oldest first.
    const inRange = posts.filter((p) => {
      if (p.tags) return p.tags.from <= 12 && p.tags.to >= 11
      const week = filmingWeekOf(facts, p.publishedAt)!
      return week >= 11 && week <= 12
    })
    const newest = inRange
      .sort((a, b) => b.publishedAt - a.publishedAt || b.id.localeCompare(a.id))
      .slice(0, 5)
      .reverse()
    expect(chosen.map((p) => p.id)).toEqual(newest.map((p) => p.id))
    expect(inRange.length).toBeGreaterThan(300)
    expect(seen.rows).toBeLessThan(50)
    expect(WEEK_MS).toBe(7 * DAY)
  })
})
