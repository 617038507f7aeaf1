import { sql, type Updateable } from 'kysely'
import type { ProductionViewData } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { DigestRow, DigestTable } from '../db/schema.js'
import { untaggedWeekSql } from './week-sql.js'

export async function insertDigest(db: DbOrTx, row: DigestRow): Promise<void> {
  await db.insertInto('digest').values(row).execute()
}

export async function findDigest(db: DbOrTx, channelId: string, id: string): Promise<DigestRow | undefined> {
  return db
    .selectFrom('digest')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Newest first. */
export async function listDigests(db: DbOrTx, channelId: string, limit: number): Promise<DigestRow[]> {
  return db
    .selectFrom('digest')
    .selectAll()
    .where('channel_id', '=', channelId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

export async function updateDigest(db: DbOrTx, id: string, changes: Updateable<DigestTable>): Promise<void> {
  await db.updateTable('digest').set(changes).where('id', '=', id).execute()
}

/** Deletes a digest and its press kits (also a cascade; said here so SQLite without it still holds). */
export async function deleteDigest(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom('press_kit').where('digest_id', '=', id).execute()
  await db.deleteFrom('digest').where('id', '=', id).execute()
}

/** Ids of this channel's posts among `ids` that are not deleted (staff may pick scheduled ones). */
export async function existingPostIds(
  db: DbOrTx,
  channelId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom('post')
    .select('id')
    .where('channel_id', '=', channelId)
    .where('id', 'in', ids)
    .where('status', '!=', 'deleted')
    .execute()
  return new Set(rows.map((r) => r.id))
}

const DAY_MS = 86_400_000

/**
 * The `max_posts` most reacted published posts of an automatic digest's range (ties: newer first):
 * by date (`date_from` ≤ published < the day after `date_to`) and/or by filming week (a tagged post
 * whose week range overlaps, an untagged one whose publication week falls inside; without a start
 * of filming untagged posts have no week). Counted and limited in the database.
 */
export async function topReactedPostIds(
  db: DbOrTx,
  channelId: string,
  production: ProductionViewData | null,
  digest: Pick<DigestRow, 'date_from' | 'date_to' | 'week_from' | 'week_to' | 'max_posts'>,
): Promise<string[]> {
  const { date_from: dateFrom, date_to: dateTo, week_from: weekFrom } = digest
  const weekTo = digest.week_to ?? weekFrom
  const hasStart = production?.filmingStartsOn != null
  const rows = await db
    .selectFrom('post')
    .leftJoin('post_production as pp', 'pp.post_id', 'post.id')
    .select((eb) => [
      'post.id',
      eb
        .selectFrom('post_reaction')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('post_reaction.post_id', '=', 'post.id')
        .as('reactions'),
    ])
    .where('post.channel_id', '=', channelId)
    .where('post.status', '=', 'published')
    .where('post.published_at', 'is not', null)
    .$if(dateFrom !== null, (q) => q.where('post.published_at', '>=', dateFrom!))
    .$if(dateTo !== null, (q) => q.where('post.published_at', '<', dateTo! + DAY_MS))
    .$if(weekFrom !== null, (q) =>
      q.where((eb) => {
        const tagged = eb.and([
          eb('pp.week_from', 'is not', null),
          eb('pp.week_from', '<=', weekTo!),
          eb(sql<number>`coalesce(pp.week_to, pp.week_from)`, '>=', weekFrom!),
        ])
        if (!hasStart) return tagged
        const week = untaggedWeekSql(production)
        return eb.or([
          tagged,
          eb.and([eb('pp.week_from', 'is', null), eb(week, '>=', weekFrom!), eb(week, '<=', weekTo!)]),
        ])
      }),
    )
    .orderBy('reactions', 'desc')
    .orderBy('post.published_at', 'desc')
    .orderBy('post.id', 'desc')
    .limit(digest.max_posts)
    .execute()
  return rows.map((r) => r.id)
}
