import { type Selectable, type SelectQueryBuilder, type SqlBool, sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { Database } from '../db/schema.js'

/**
 * The queries shared by the tables keyed by (channel, account): members, join requests and bans.
 * member-store.ts and moderation-store.ts keep their own exported functions; their common shape
 * lives here so a fix (say, to the keyset order) reaches all three tables at once.
 */

export type AccountRowTable = 'channel_member' | 'join_request' | 'channel_ban'

/** The column a table's lists are ordered by: when the member joined, the request or ban was made. */
export type AccountRowTime<T extends AccountRowTable> = Extract<keyof Database[T], 'joined_at' | 'created_at'>

export async function findAccountRow<T extends AccountRowTable>(
  db: DbOrTx,
  table: T,
  channelId: string,
  accountId: string,
): Promise<Selectable<Database[T]> | undefined> {
  const row = await db
    .selectFrom(table as AccountRowTable)
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  // @NOTE Kysely cannot narrow `selectAll()` over a generic table name (it merges the columns of
  // all three); the row is exactly one row of `table`.
  return row as Selectable<Database[T]> | undefined
}

/** Deletes the account's row in the channel: true when there was one. */
export async function deleteAccountRow(
  db: DbOrTx,
  table: AccountRowTable,
  channelId: string,
  accountId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom(table)
    .where('channel_id', '=', channelId)
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** A position in a list of account rows: the row's time, then its account id to break ties. */
export interface AccountKey {
  at: number
  accountId: string
}

/**
 * One keyset page of `query`, ordered by (time, account id) in `direction`: the rows strictly past
 * `from` (later ones ascending, earlier ones descending), `limit + 1` of them so that the caller
 * can tell another page exists (util/pagination.ts `toPage`). The comparison and the ORDER BY both follow
 * `direction`, so they cannot disagree and skip or repeat rows between pages.
 */
export function accountKeyPage<T extends AccountRowTable, DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  table: T,
  time: AccountRowTime<T>,
  direction: 'asc' | 'desc',
  from: AccountKey | null,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  // Raw references: Kysely cannot type-check a column of a table chosen by a type parameter.
  const timeRef = sql.ref(`${table}.${time}`)
  const idRef = sql.ref(`${table}.account_id`)
  const past = sql.raw(direction === 'asc' ? '>' : '<')
  const page =
    from === null
      ? query
      : query.where(
          sql<SqlBool>`(${timeRef} ${past} ${from.at} or (${timeRef} = ${from.at} and ${idRef} ${past} ${from.accountId}))`,
        )
  return page
    .orderBy(timeRef, direction)
    .orderBy(idRef, direction)
    .limit(limit + 1)
}
