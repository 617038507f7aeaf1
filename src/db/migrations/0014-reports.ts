import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Reports and the moderation queue (issue 17 point 4). A `report_case` groups every report of one
 * item (a post, an image of a post, a prompt answer, a channel); `open_key` is `kind:id` while the
 * case is open and null once resolved, so its unique index allows one open case per item on both
 * dialects (NULLs never collide) without a partial index. A `report` is one account's report in a
 * case (one per reporter: reporting again updates it). `account_notice` is the in-app notice list
 * (the outcome of one's reports). Channels gain the operators' suspension and hiding.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('channel').addColumn('suspended_at', 'bigint').execute()
  await db.schema.alterTable('channel').addColumn('suspension_reason', 'text').execute()
  await db.schema.alterTable('channel').addColumn('hidden_at', 'bigint').execute()

  await db.schema
    .createTable('report_case')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    // post | image | answer | channel
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    // The post the reported post, image or answer belongs to; null for a channel.
    .addColumn('post_id', 'text')
    // Who wrote the reported item (an answer's or a post's author); null for a channel.
    .addColumn('author_id', 'text', (c) => c.references('account.id').onDelete('set null'))
    .addColumn('open_key', 'text', (c) => c.unique())
    // open | resolved
    .addColumn('state', 'text', (c) => c.notNull())
    // dismissed | deleted | banned | suspended | hidden
    .addColumn('resolution', 'text')
    .addColumn('resolved_by', 'text', (c) => c.references('account.id').onDelete('set null'))
    .addColumn('resolved_at', 'bigint')
    .addColumn('report_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  // A channel's queue (open or resolved, newest activity first) and the operators' queue by kind.
  await db.schema
    .createIndex('report_case_queue')
    .on('report_case')
    .columns(['channel_id', 'state', 'updated_at', 'id'])
    .execute()
  await db.schema
    .createIndex('report_case_kind')
    .on('report_case')
    .columns(['target_kind', 'state', 'updated_at', 'id'])
    .execute()

  await db.schema
    .createTable('report')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('report_case.id').onDelete('cascade'))
    .addColumn('reporter_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('report_case_reporter', ['case_id', 'reporter_id'])
    .execute()

  await db.schema
    .createTable('account_notice')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    // report-resolved
    .addColumn('kind', 'text', (c) => c.notNull())
    // JSON: what the notice says (no copy of reported content: deleted means gone).
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('account_notice_account')
    .on('account_notice')
    .columns(['account_id', 'id'])
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('account_notice').execute()
  await db.schema.dropTable('report').execute()
  await db.schema.dropTable('report_case').execute()
  await db.schema.alterTable('channel').dropColumn('hidden_at').execute()
  await db.schema.alterTable('channel').dropColumn('suspension_reason').execute()
  await db.schema.alterTable('channel').dropColumn('suspended_at').execute()
}
