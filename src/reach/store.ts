import { type ExpressionBuilder, sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { Database } from '../db/schema.js'

/** Plain queries of the reach tables (src/db/migrations/0017-reach.ts). Days are UTC days since the epoch. */

const CHUNK = 500

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
  return out
}

/**
 * Of `postIds`, the posts whose views may be counted now, with their channel: published, past any
 * embargo, in a channel that is not private. A deleted post, a private channel's post or an id
 * nobody has is left out, so its counts are never written.
 */
export async function countablePosts(db: DbOrTx, postIds: readonly string[], now: number) {
  const found = new Map<string, string>()
  for (const ids of chunks(postIds)) {
    const rows = await db
      .selectFrom('post')
      .innerJoin('channel', 'channel.id', 'post.channel_id')
      .select(['post.id', 'post.channel_id'])
      .where('post.id', 'in', ids)
      .where('post.status', '=', 'published')
      .where((eb) => eb.or([eb('post.publish_at', 'is', null), eb('post.publish_at', '<=', now)]))
      .where('channel.visibility', '!=', 'private')
      .execute()
    for (const row of rows) found.set(row.id, row.channel_id)
  }
  return found
}

/** Of `slugs`, the channels that are not private (public surfaces of private ones do not exist). */
export async function countableChannels(db: DbOrTx, slugs: readonly string[]) {
  const found = new Map<string, string>()
  for (const part of chunks(slugs)) {
    const rows = await db
      .selectFrom('channel')
      .select(['id', 'slug'])
      .where('slug', 'in', part)
      .where('visibility', '!=', 'private')
      .execute()
    for (const row of rows) found.set(row.slug, row.id)
  }
  return found
}

type Tables = keyof Database
/** `table.column + excluded.column`: adds a batch's counts to the stored ones (both dialects). */
function plus<T extends Tables>(table: T, column: string) {
  return (eb: ExpressionBuilder<Database, T>) =>
    sql<number>`${sql.ref(`${table}.${column}`)} + ${eb.ref(`excluded.${column}` as never)}`
}

export interface ChannelDayRow {
  day: number
  channel_id: string
  page_views: number
  bots: number
  visitors: number
}

export async function addChannelDays(db: DbOrTx, rows: readonly ChannelDayRow[]): Promise<void> {
  for (const values of chunks(rows))
    await db
      .insertInto('reach_channel_day')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['day', 'channel_id']).doUpdateSet((eb) => ({
          page_views: plus('reach_channel_day', 'page_views')(eb),
          bots: plus('reach_channel_day', 'bots')(eb),
          visitors: plus('reach_channel_day', 'visitors')(eb),
        })),
      )
      .execute()
}

export interface PostDayRow {
  day: number
  post_id: string
  channel_id: string
  surface: 'page' | 'embed' | 'oembed'
  views: number
  bots: number
}

export async function addPostDays(db: DbOrTx, rows: readonly PostDayRow[]): Promise<void> {
  for (const values of chunks(rows))
    await db
      .insertInto('reach_post_day')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['day', 'post_id', 'surface']).doUpdateSet((eb) => ({
          views: plus('reach_post_day', 'views')(eb),
          bots: plus('reach_post_day', 'bots')(eb),
        })),
      )
      .execute()
}

export interface EmbedDayRow {
  day: number
  post_id: string
  channel_id: string
  origin: string
  views: number
}

export async function addEmbedDays(db: DbOrTx, rows: readonly EmbedDayRow[]): Promise<void> {
  for (const values of chunks(rows))
    await db
      .insertInto('reach_embed_day')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['day', 'post_id', 'origin'])
          .doUpdateSet((eb) => ({ views: plus('reach_embed_day', 'views')(eb) })),
      )
      .execute()
}

export interface FeedDayRow {
  day: number
  channel_id: string
  reader: string
  format: string
  fetches: number
  subscribers: number
}

export async function addFeedDays(db: DbOrTx, rows: readonly FeedDayRow[]): Promise<void> {
  for (const values of chunks(rows))
    await db
      .insertInto('reach_feed_day')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['day', 'channel_id', 'reader', 'format']).doUpdateSet((eb) => ({
          fetches: plus('reach_feed_day', 'fetches')(eb),
          // The day's largest report (readers repeat their count on every fetch): CASE, not
          // GREATEST/MAX, so that one statement works on both dialects.
          subscribers: sql<number>`CASE WHEN ${eb.ref('excluded.subscribers')} > ${sql.ref('reach_feed_day.subscribers')} THEN ${eb.ref('excluded.subscribers')} ELSE ${sql.ref('reach_feed_day.subscribers')} END`,
        })),
      )
      .execute()
}

export async function addVisitors(
  db: DbOrTx,
  rows: readonly { day: number; channel_id: string; visitor: string }[],
): Promise<void> {
  for (const values of chunks(rows))
    await db
      .insertInto('reach_visitor')
      .values(values)
      .onConflict((oc) => oc.columns(['day', 'channel_id', 'visitor']).doNothing())
      .execute()
}

/**
 * Ends every day before `today`: its distinct visitors become a count in reach_channel_day, then its
 * visitor hashes and its salt are deleted. Counters older than `oldestDay` are deleted too.
 */
export async function rollUpDays(db: DbOrTx, today: number, oldestDay: number): Promise<number> {
  const counts = await db
    .selectFrom('reach_visitor')
    .select(['day', 'channel_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('day', '<', today)
    .groupBy(['day', 'channel_id'])
    .execute()
  await addChannelDays(
    db,
    counts.map((c) => ({
      day: c.day,
      channel_id: c.channel_id,
      page_views: 0,
      bots: 0,
      visitors: Number(c.n),
    })),
  )
  await db.deleteFrom('reach_visitor').where('day', '<', today).execute()
  await db.deleteFrom('reach_salt').where('day', '<', today).execute()
  for (const table of ['reach_channel_day', 'reach_post_day', 'reach_embed_day', 'reach_feed_day'] as const)
    await db.deleteFrom(table).where('day', '<', oldestDay).execute()
  return counts.length
}

/** A deleted post's counts go with it (deleted means gone). */
export async function erasePostReach(db: DbOrTx, postId: string): Promise<void> {
  await db.deleteFrom('reach_post_day').where('post_id', '=', postId).execute()
  await db.deleteFrom('reach_embed_day').where('post_id', '=', postId).execute()
}

/** Everything the analytics report reads for one channel and a window of days. */
export async function readReach(db: DbOrTx, channelId: string, fromDay: number, toDay: number, top: number) {
  const inWindow = { channelId, fromDay, toDay }
  const [channelDays, liveVisitors, postDays, feedDays, origins, embeds, readers, posts] = await Promise.all([
    db
      .selectFrom('reach_channel_day')
      .select(['day', 'page_views', 'bots', 'visitors'])
      .where('channel_id', '=', channelId)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .execute(),
    // Days not rolled up yet (today): their distinct visitors are still hashes.
    db
      .selectFrom('reach_visitor')
      .select(['day', (eb) => eb.fn.countAll<number>().as('n')])
      .where('channel_id', '=', channelId)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .groupBy('day')
      .execute(),
    db
      .selectFrom('reach_post_day')
      .select([
        'day',
        'surface',
        (eb) => eb.fn.sum<number>('views').as('views'),
        (eb) => eb.fn.sum<number>('bots').as('bots'),
      ])
      .where('channel_id', '=', channelId)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .groupBy(['day', 'surface'])
      .execute(),
    db
      .selectFrom('reach_feed_day')
      .select(['day', (eb) => eb.fn.sum<number>('fetches').as('fetches')])
      .where('channel_id', '=', channelId)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .groupBy('day')
      .execute(),
    topOrigins(db, inWindow, top),
    topEmbeds(db, inWindow, top),
    feedReaders(db, inWindow),
    topPosts(db, inWindow, top),
  ])
  return { channelDays, liveVisitors, postDays, feedDays, origins, embeds, readers, posts }
}

interface Window {
  channelId: string
  fromDay: number
  toDay: number
}

function topOrigins(db: DbOrTx, w: Window, top: number) {
  const views = sql<number>`sum(views)`
  return db
    .selectFrom('reach_embed_day')
    .select(['origin', views.as('views'), sql<number>`count(distinct post_id)`.as('posts')])
    .where('channel_id', '=', w.channelId)
    .where('day', '>=', w.fromDay)
    .where('day', '<=', w.toDay)
    .groupBy('origin')
    .orderBy(views, 'desc')
    .orderBy('origin')
    .limit(top)
    .execute()
}

/** Which sites embedded which posts: the largest (post, origin) pairs, with the post's text. */
function topEmbeds(db: DbOrTx, w: Window, top: number) {
  const views = sql<number>`sum(reach_embed_day.views)`
  return db
    .selectFrom('reach_embed_day')
    .innerJoin('post', 'post.id', 'reach_embed_day.post_id')
    .select(['reach_embed_day.post_id', 'reach_embed_day.origin', 'post.text', views.as('views')])
    .where('reach_embed_day.channel_id', '=', w.channelId)
    .where('reach_embed_day.day', '>=', w.fromDay)
    .where('reach_embed_day.day', '<=', w.toDay)
    .where('post.status', '=', 'published')
    .groupBy(['reach_embed_day.post_id', 'reach_embed_day.origin', 'post.text'])
    .orderBy(views, 'desc')
    .orderBy('reach_embed_day.post_id')
    .orderBy('reach_embed_day.origin')
    .limit(top)
    .execute()
}

/** The posts that reached furthest, with their views per surface. */
function topPosts(db: DbOrTx, w: Window, top: number) {
  const total = sql<number>`sum(reach_post_day.views)`
  const on = (surface: string) =>
    sql<number>`sum(case when reach_post_day.surface = ${surface} then reach_post_day.views else 0 end)`
  return db
    .selectFrom('reach_post_day')
    .innerJoin('post', 'post.id', 'reach_post_day.post_id')
    .select([
      'reach_post_day.post_id',
      'post.text',
      on('page').as('page'),
      on('embed').as('embed'),
      on('oembed').as('oembed'),
      total.as('total'),
    ])
    .where('reach_post_day.channel_id', '=', w.channelId)
    .where('reach_post_day.day', '>=', w.fromDay)
    .where('reach_post_day.day', '<=', w.toDay)
    .where('post.status', '=', 'published')
    .groupBy(['reach_post_day.post_id', 'post.text'])
    .having(total, '>', 0)
    .orderBy(total, 'desc')
    .orderBy('reach_post_day.post_id')
    .limit(top)
    .execute()
}

/**
 * Fetches per reader family over the window, and the subscribers each reports now: per feed format,
 * the count of the latest day it reported one, summed over formats (a reader subscribed to the RSS
 * and the Atom feed reports two separate audiences). At most families × formats × days rows.
 */
async function feedReaders(db: DbOrTx, w: Window) {
  const rows = await db
    .selectFrom('reach_feed_day')
    .select(['reader', 'format', 'day', 'fetches', 'subscribers'])
    .where('channel_id', '=', w.channelId)
    .where('day', '>=', w.fromDay)
    .where('day', '<=', w.toDay)
    .orderBy('day')
    .execute()
  const readers = new Map<string, { fetches: number; latest: Map<string, number> }>()
  for (const row of rows) {
    const reader = readers.get(row.reader) ?? { fetches: 0, latest: new Map<string, number>() }
    reader.fetches += Number(row.fetches)
    if (Number(row.subscribers) > 0) reader.latest.set(row.format, Number(row.subscribers))
    readers.set(row.reader, reader)
  }
  return [...readers]
    .map(([reader, r]) => ({
      reader,
      fetches: r.fetches,
      subscribers: [...r.latest.values()].reduce((a, b) => a + b, 0),
    }))
    .sort(
      (a, b) => b.subscribers - a.subscribers || b.fetches - a.fetches || a.reader.localeCompare(b.reader),
    )
}
