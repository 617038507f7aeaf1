import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Fan interactions: reactions, polls and ballots, prompts and answers, member views and the
 * approximate anonymous view counter. Rows of an account that leaves or is banned are kept; counts
 * include only current members (src/interactions/counts.ts), so leaving and rejoining cannot be used
 * to vote twice or to change a quiz answer.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('post_reaction')
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('post_reaction_pk', ['post_id', 'account_id'])
    .execute()
  await db.schema.createIndex('post_reaction_account').on('post_reaction').column('account_id').execute()

  await db.schema
    .createTable('poll')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('post.id').onDelete('cascade'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('multiple', 'integer', (c) => c.notNull())
    .addColumn('quiz_correct', 'integer')
    .addColumn('quiz_explanation', 'text')
    .addColumn('results_visibility', 'text', (c) => c.notNull())
    .addColumn('closes_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .execute()
  await db.schema.createIndex('poll_closes').on('poll').columns(['closed_at', 'closes_at']).execute()

  await db.schema
    .createTable('poll_ballot')
    .addColumn('post_id', 'text', (c) => c.notNull().references('poll.post_id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('choices', 'integer', (c) => c.notNull())
    .addColumn('voted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('poll_ballot_pk', ['post_id', 'account_id'])
    .execute()
  await db.schema.createIndex('poll_ballot_account').on('poll_ballot').column('account_id').execute()

  await db.schema
    .createTable('prompt')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('post.id').onDelete('cascade'))
    .addColumn('question', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('prompt_answer')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('post_id', 'text', (c) => c.notNull().references('prompt.post_id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('highlighted_at', 'bigint')
    .addColumn('highlighted_by', 'text', (c) => c.references('account.id').onDelete('set null'))
    .addColumn('hidden_at', 'bigint')
    .addColumn('hidden_by', 'text', (c) => c.references('account.id').onDelete('set null'))
    .addUniqueConstraint('prompt_answer_one_per_member', ['post_id', 'account_id'])
    .execute()
  await db.schema.createIndex('prompt_answer_post').on('prompt_answer').columns(['post_id', 'id']).execute()
  await db.schema.createIndex('prompt_answer_account').on('prompt_answer').column('account_id').execute()

  await db.schema
    .createTable('post_view')
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('viewed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('post_view_pk', ['post_id', 'account_id'])
    .execute()
  await db.schema.createIndex('post_view_account').on('post_view').column('account_id').execute()

  await db.schema
    .createTable('post_anonymous_views')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('post.id').onDelete('cascade'))
    .addColumn('views', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Db): Promise<void> {
  for (const table of [
    'post_anonymous_views',
    'post_view',
    'prompt_answer',
    'prompt',
    'poll_ballot',
    'poll',
    'post_reaction',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
