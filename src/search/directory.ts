import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { SearchEngine } from './engine.js'

/**
 * The public directory's listing (issue 19 part 2, rendered at /c/ by pages/): public channels that
 * are listed — never unlisted, private, hidden or suspended ones.
 */

export const DIRECTORY_CATEGORIES = ['series', 'film', 'tour', 'other'] as const
export type DirectoryCategory = (typeof DIRECTORY_CATEGORIES)[number]
export type DirectorySort = 'members' | 'activity'

export interface DirectoryQuery {
  /** Words to match in titles and descriptions (query.ts); null lists every channel. */
  terms: readonly string[] | null
  category: DirectoryCategory | null
  sort: DirectorySort
}

export interface DirectoryRow {
  id: string
  slug: string
  title: string
  description: string
  production: string | null
  featured: boolean
  memberCount: number
  /** When the newest published post went out; null for a channel with none. */
  lastPostAt: number | null
}

/**
 * One page of the directory, `limit + 1` rows from `offset`. Without words: featured channels
 * first (most recently featured first), then by members or by the newest post; with words: best
 * match first. Member counts and the newest post are one indexed subquery per listed channel.
 */
export async function listDirectory(
  db: DbOrTx,
  engine: SearchEngine,
  query: DirectoryQuery,
  offset: number,
  limit: number,
): Promise<DirectoryRow[]> {
  let q = db
    .selectFrom('channel as c')
    .select(['c.id', 'c.slug', 'c.title', 'c.description', 'c.production', 'c.featured_at'])
    .select((eb) => [
      eb
        .selectFrom('channel_member as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.channel_id', '=', 'c.id')
        .as('member_count'),
      eb
        .selectFrom('post as p')
        .select(sql<number>`coalesce(max(p.published_at), 0)`.as('t'))
        .whereRef('p.channel_id', '=', 'c.id')
        .where('p.status', '=', 'published')
        .as('last_post_at'),
    ])
    .where('c.visibility', '=', 'public')
    .where('c.suspended_at', 'is', null)
    .where('c.hidden_at', 'is', null)
  if (query.category !== null) q = q.where(sql<boolean>`${engine.productionKind()} = ${query.category}`)
  if (query.terms !== null) {
    q = q
      .innerJoin(engine.channelMatches(query.terms).as('match'), 'match.channel_id', 'c.id')
      .orderBy('match.score', 'desc')
  } else {
    q = q.orderBy(sql`CASE WHEN c.featured_at IS NULL THEN 1 ELSE 0 END`).orderBy('c.featured_at', 'desc')
  }
  const [first, second] =
    query.sort === 'members'
      ? (['member_count', 'last_post_at'] as const)
      : (['last_post_at', 'member_count'] as const)
  const rows = await q
    .orderBy(first, 'desc')
    .orderBy(second, 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit + 1)
    .offset(offset)
    .execute()
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    description: r.description,
    production: r.production,
    featured: r.featured_at !== null,
    memberCount: Number(r.member_count),
    lastPostAt: Number(r.last_post_at) || null,
  }))
}

/**
 * What the directory shows, in one short string: it changes when a channel is created, deleted,
 * edited, posts (`last_seq`), goes private, or is hidden, suspended or featured. Member counts move
 * without it; the page cache's 60 s bound covers them.
 */
export async function directoryVersion(db: DbOrTx): Promise<string> {
  const row = await db
    .selectFrom('channel')
    .select([
      sql<number>`count(*)`.as('n'),
      sql<number>`coalesce(sum(last_seq), 0)`.as('seq'),
      sql<number>`coalesce(max(updated_at), 0)`.as('updated'),
      sql<number>`coalesce(sum(hidden_at), 0)`.as('hidden'),
      sql<number>`coalesce(sum(suspended_at), 0)`.as('suspended'),
      sql<number>`coalesce(sum(featured_at), 0)`.as('featured'),
    ])
    .executeTakeFirstOrThrow()
  return [row.n, row.seq, row.updated, row.hidden, row.suspended, row.featured].map(String).join('|')
}
