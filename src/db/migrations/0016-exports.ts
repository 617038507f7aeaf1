import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Exports and imports (issue 17 point 2). `export_job` is one requested archive: a person's own data
 * or a whole channel, its progress while the Queue job writes it, and the file name and expiry once
 * it is ready. `poll_imported_tally` keeps the totals a poll had on the server it was exported from:
 * an archive never names who voted, so an imported poll counts these plus its new ballots.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('export_job')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    // person | channel
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.references('channel.id').onDelete('cascade'))
    // queued | running | ready | failed | expired
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('items_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('items_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('file_name', 'text')
    .addColumn('bytes', 'bigint')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('export_job_account')
    .on('export_job')
    .columns(['account_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('export_job_expiry')
    .on('export_job')
    .columns(['status', 'expires_at'])
    .execute()

  await db.schema
    .createTable('poll_imported_tally')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('post.id').onDelete('cascade'))
    .addColumn('voters', 'integer', (c) => c.notNull())
    // JSON array: votes per option index.
    .addColumn('votes', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('poll_imported_tally').execute()
  await db.schema.dropTable('export_job').execute()
}
