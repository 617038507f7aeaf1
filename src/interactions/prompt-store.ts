import type { Insertable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { PromptAnswerTable } from '../db/schema.js'

/** Plain Kysely queries for prompts and answers (rules: prompts.ts). */

export async function insertPrompt(db: DbOrTx, row: { post_id: string; question: string }): Promise<void> {
  await db.insertInto('prompt').values(row).execute()
}

export async function readPromptQuestions(db: DbOrTx, postIds: readonly string[]) {
  if (postIds.length === 0) return new Map<string, string>()
  const rows = await db.selectFrom('prompt').selectAll().where('post_id', 'in', postIds).execute()
  return new Map(rows.map((r) => [r.post_id, r.question]))
}

/**
 * Inserts the answers of one batch in one statement (group-commit.ts); returns the ids inserted.
 * An answer missing from the result met the one-per-member-per-prompt key.
 */
export async function insertAnswers(db: DbOrTx, rows: readonly Insertable<PromptAnswerTable>[]) {
  const inserted = await db
    .insertInto('prompt_answer')
    .values(rows)
    .onConflict((oc) => oc.columns(['post_id', 'account_id']).doNothing())
    .returning('id')
    .execute()
  return new Set(inserted.map((r) => r.id))
}

export async function insertAnswer(db: DbOrTx, row: Insertable<PromptAnswerTable>): Promise<void> {
  await db.insertInto('prompt_answer').values(row).execute()
}

/** Answers with their author and whether the author is a member now. */
function selectAnswers(db: DbOrTx, channelId: string) {
  return db
    .selectFrom('prompt_answer as a')
    .innerJoin('account', 'account.id', 'a.account_id')
    .leftJoin('channel_member as m', (j) =>
      j.onRef('m.account_id', '=', 'a.account_id').on('m.channel_id', '=', channelId),
    )
    .selectAll('a')
    .select(['account.handle', 'account.display_name', 'm.account_id as member_id'])
}

export type AnswerRecord = Awaited<ReturnType<typeof findAnswer>> & {}

export async function findAnswer(db: DbOrTx, channelId: string, postId: string, answerId: string) {
  return selectAnswers(db, channelId)
    .where('a.post_id', '=', postId)
    .where('a.id', '=', answerId)
    .executeTakeFirst()
}

/** A prompt's answers, newest first (ids are time-ordered ULIDs), keyset by id. */
export async function listAnswers(
  db: DbOrTx,
  q: { channelId: string; postId: string; beforeId: string | null; limit: number },
) {
  let query = selectAnswers(db, q.channelId).where('a.post_id', '=', q.postId)
  if (q.beforeId !== null) query = query.where('a.id', '<', q.beforeId)
  return query.orderBy('a.id', 'desc').limit(q.limit).execute()
}

/**
 * Changes an answer's highlight or hidden state only if `column` is still null (`from: 'unset'`)
 * or still set (`from: 'set'`): of two moderators acting at once, one changes it and logs the
 * event, the other finds nothing to do. Returns whether this call changed it.
 */
export async function updateAnswerIf(
  db: DbOrTx,
  answerId: string,
  column: 'highlighted_at' | 'hidden_at',
  from: 'set' | 'unset',
  changes: Partial<Pick<PromptAnswerTable, 'highlighted_at' | 'highlighted_by' | 'hidden_at' | 'hidden_by'>>,
): Promise<boolean> {
  let query = db.updateTable('prompt_answer').set(changes).where('id', '=', answerId)
  query = from === 'unset' ? query.where(column, 'is', null) : query.where(column, 'is not', null)
  // Highlighting needs the answer to still be visible too.
  if (column === 'highlighted_at' && from === 'unset') query = query.where('hidden_at', 'is', null)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function answerStats(db: DbOrTx, postId: string) {
  const row = await db
    .selectFrom('prompt_answer')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.count<number>('highlighted_at').as('highlighted'),
      eb.fn.count<number>('hidden_at').as('hidden'),
    ])
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow()
  return { total: Number(row.total), highlighted: Number(row.highlighted), hidden: Number(row.hidden) }
}
