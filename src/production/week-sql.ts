import { type RawBuilder, sql } from 'kysely'
import { dateToMs, type ProductionViewData } from '../channels/index.js'
import { WEEK_MS } from './weeks.js'

const DAY_MS = 86_400_000

/**
 * In SQL, the week an untagged published post (`post` in the query) falls into — the same rule as
 * `filmingWeekOf` / `calendarWeekOf` in weeks.ts, so the timeline and digests can group and filter
 * in the database instead of loading every post:
 * - with a start of filming, its filming week: 1-based, posts before the start in week 1;
 * - without one, the Monday (UTC, epoch milliseconds) of its calendar week.
 *
 * The numbers are inlined as integer literals (they come from the validated production facts, not
 * from a request): SQLite binds JavaScript numbers as REAL, which would turn `/` into a fractional
 * division; with integers both engines divide the same way (truncating, which is floor here since
 * the dividend is never negative).
 */
export function untaggedWeekSql(production: ProductionViewData | null): RawBuilder<number> {
  const start = production?.filmingStartsOn ? dateToMs(production.filmingStartsOn) : null
  if (start !== null) {
    const from = sql.lit(start)
    return sql<number>`(case when post.published_at < ${from} then 1 else (post.published_at - ${from}) / ${sql.lit(WEEK_MS)} + 1 end)`
  }
  // 1970-01-01 was a Thursday: shifting by three days makes multiples of a week fall on Mondays.
  return sql<number>`(post.published_at - ((post.published_at + ${sql.lit(3 * DAY_MS)}) % ${sql.lit(WEEK_MS)}))`
}

/** The filming week (number) or calendar Monday (epoch ms) of an untagged post, null for a tagged one. */
export function bucketSql(production: ProductionViewData | null): RawBuilder<number | null> {
  return sql<number | null>`(case when pp.week_from is null then ${untaggedWeekSql(production)} end)`
}
