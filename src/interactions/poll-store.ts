import type { Insertable } from 'kysely'
import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { PollRow, PollTable } from '../db/schema.js'

/** Plain Kysely queries for polls and ballots (rules: polls.ts). */

export async function insertPoll(db: DbOrTx, row: Insertable<PollTable>): Promise<void> {
  await db.insertInto('poll').values(row).execute()
}

export async function findPoll(db: DbOrTx, postId: string): Promise<PollRow | undefined> {
  return db.selectFrom('poll').selectAll().where('post_id', '=', postId).executeTakeFirst()
}

/**
 * The poll, if still open at `now`, holding its row lock for the rest of the transaction (a no-op
 * UPDATE, dialect-neutral like posts' `lockPost`). Ballots and the closing UPDATE therefore run one
 * after the other: no ballot lands after the close, so the tally in `poll.closed` is final.
 */
export async function lockOpenPoll(db: DbOrTx, postId: string, now: number): Promise<PollRow | undefined> {
  return db
    .updateTable('poll')
    .set((eb) => ({ closed_at: eb.ref('closed_at') }))
    .where('post_id', '=', postId)
    .where('closed_at', 'is', null)
    .where((eb) => eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', now)]))
    .returningAll()
    .executeTakeFirst()
}

/**
 * Closes the poll if nobody has: the conditional UPDATE is what makes `poll.closed` happen exactly
 * once, even with two nodes (or a restart) racing to close the same poll.
 */
export async function markPollClosed(db: DbOrTx, postId: string, now: number): Promise<PollRow | undefined> {
  return (
    db
      .updateTable('poll')
      // Closed when its time came, if that has passed (the server may have been down then).
      .set({
        closed_at: sql<number>`case when closes_at is not null and closes_at < ${now} then closes_at else ${now} end`,
      })
      .where('post_id', '=', postId)
      .where('closed_at', 'is', null)
      .returningAll()
      .executeTakeFirst()
  )
}

export async function findBallot(db: DbOrTx, postId: string, accountId: string) {
  return db
    .selectFrom('poll_ballot')
    .select(['choices'])
    .where('post_id', '=', postId)
    .where('account_id', '=', accountId)
    .executeTakeFirst()
}

/** Casts or replaces the member's ballot; returns whether it changed. */
export async function upsertBallot(
  db: DbOrTx,
  row: { post_id: string; account_id: string; choices: number; voted_at: number },
): Promise<boolean> {
  const changed = await db
    .insertInto('poll_ballot')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['post_id', 'account_id'])
        .doUpdateSet((eb) => ({ choices: eb.ref('excluded.choices'), voted_at: eb.ref('excluded.voted_at') }))
        .whereRef('poll_ballot.choices', '<>', 'excluded.choices'),
    )
    .returning('post_id')
    .executeTakeFirst()
  return changed !== undefined
}

/** Casts a ballot only if the member has none (quizzes); returns whether it was inserted. */
export async function insertBallotOnce(
  db: DbOrTx,
  row: { post_id: string; account_id: string; choices: number; voted_at: number },
): Promise<boolean> {
  const inserted = await db
    .insertInto('poll_ballot')
    .values(row)
    .onConflict((oc) => oc.columns(['post_id', 'account_id']).doNothing())
    .returning('post_id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function deleteBallot(db: DbOrTx, postId: string, accountId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('poll_ballot')
    .where('post_id', '=', postId)
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Open polls whose closing time has passed, with their channel, oldest deadline first. */
export async function duePolls(db: DbOrTx, now: number, limit: number) {
  return db
    .selectFrom('poll')
    .innerJoin('post', 'post.id', 'poll.post_id')
    .select(['poll.post_id', 'post.channel_id'])
    .where('poll.closed_at', 'is', null)
    .where('poll.closes_at', '<=', now)
    .orderBy('poll.closes_at')
    .limit(limit)
    .execute()
}

/** The earliest closing time of an open poll, or null. */
export async function nextPollDeadline(db: DbOrTx): Promise<number | null> {
  const row = await db
    .selectFrom('poll')
    .select((eb) => eb.fn.min('closes_at').as('next'))
    .where('closed_at', 'is', null)
    .executeTakeFirst()
  return row?.next == null ? null : Number(row.next)
}
