import { sql } from 'kysely'
import type { ProductionViewData } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import { bucketSql } from './week-sql.js'

/**
 * The timeline's two queries (timeline.ts). Both aggregate in the database over the channel's
 * published posts (the `post_feed` index, joined to `post_production` by key) and return
 * rows in proportion to the weeks shown, never to the posts: a channel with 5,000 posts in 14
 * weeks returns a few dozen rows.
 */

/** Published posts counted per tag range (tagged) or week bucket (untagged) and chapter set. */
export interface WeekGroupRow {
  week_from: number | null
  week_to: number | null
  /** Untagged: filming week or calendar Monday (week-sql.ts). Null for tagged posts. */
  bucket: number | null
  /** JSON array of chapter numbers, or null without tags. */
  chapters: string | null
  posts: number
}

export async function weekGroups(
  db: DbOrTx,
  channelId: string,
  production: ProductionViewData | null,
): Promise<WeekGroupRow[]> {
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('post')
        .leftJoin('post_production as pp', 'pp.post_id', 'post.id')
        .select(['pp.week_from', 'pp.week_to', 'pp.chapters', bucketSql(production).as('bucket')])
        .where('post.channel_id', '=', channelId)
        .where('post.status', '=', 'published')
        .where('post.published_at', 'is not', null)
        .as('t'),
    )
    .select(['t.week_from', 't.week_to', 't.bucket', 't.chapters', sql<number>`count(*)`.as('posts')])
    .groupBy(['t.week_from', 't.week_to', 't.bucket', 't.chapters'])
    .execute()
  return rows.map((r) => ({
    ...r,
    bucket: r.bucket === null ? null : Number(r.bucket),
    posts: Number(r.posts),
  }))
}

export interface NewestRow {
  id: string
  published_at: number
  /** The tagged week this row lists the post in (a ranged post has one row per week), or null… */
  week: number | null
  /** …and then the untagged post's bucket. */
  bucket: number | null
}

/**
 * The `perWeek` newest published posts of every tagged week (a post tagged with a range is listed
 * in each of its weeks) and of every untagged bucket, newest first within each: a window function
 * over the posts joined to the week numbers 1…`maxWeek` (the highest tagged week).
 */
export async function newestPerWeek(
  db: DbOrTx,
  channelId: string,
  production: ProductionViewData | null,
  maxWeek: number,
  perWeek: number,
): Promise<NewestRow[]> {
  const bucket = bucketSql(production)
  const { rows } = await sql<NewestRow>`
    with recursive weeks(w) as (select 1 union all select w + 1 from weeks where w < ${sql.lit(maxWeek)})
    select id, published_at, week, bucket from (
      select post.id as id, post.published_at as published_at, weeks.w as week, ${bucket} as bucket,
        row_number() over (
          partition by weeks.w, ${bucket}
          order by post.published_at desc, post.id desc
        ) as rn
      from post
      left join post_production pp on pp.post_id = post.id
      left join weeks on pp.week_from is not null
        and weeks.w between pp.week_from and coalesce(pp.week_to, pp.week_from)
      where post.channel_id = ${channelId}
        and post.status = 'published'
        and post.published_at is not null
    ) ranked
    where rn <= ${sql.lit(perWeek)}
    order by published_at desc, id desc`.execute(db)
  return rows.map((r) => ({
    ...r,
    published_at: Number(r.published_at),
    week: r.week === null ? null : Number(r.week),
    bucket: r.bucket === null ? null : Number(r.bucket),
  }))
}
