import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Resumable uploads (tus, issue 20 part 1). A row binds a server-generated upload id to the account
 * that created it and the channel it was created for: only that account, while it may still post
 * there, can ask for its offset, append to it or end it. The bytes live in the tus data store (disk
 * or S3) until the upload completes and is handed to the media pipeline (`media_id`), or until
 * `expires_at` passes and the sweep deletes row and bytes.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('resumable_upload')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('length', 'bigint', (c) => c.notNull())
    // JSON: alt, credit, rights, spoiler, spoilerLabel (validated when the upload was created).
    .addColumn('fields', 'text', (c) => c.notNull())
    // receiving | processing | done | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('media_id', 'text', (c) => c.references('media.id').onDelete('set null'))
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('resumable_upload_account')
    .on('resumable_upload')
    .columns(['account_id', 'status'])
    .execute()
  await db.schema.createIndex('resumable_upload_expiry').on('resumable_upload').column('expires_at').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('resumable_upload').execute()
}
