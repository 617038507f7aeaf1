import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Press kits and traced previews (issue 19 parts 3 and 4). A press preview link names its
 * recipient: `label` stays the person, `outlet` and an optional `email` join it (the images it
 * serves carry that link's watermark, keyed from its token hash: no new column). `press_kit` is one
 * per-recipient link to the kit of a post or album: what the kit says (contact, usage note), whom
 * it is for, when it expires or was revoked, and how often it was opened and downloaded. Deleting
 * the post deletes its kits (cascade, and production's post erasure).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable('press_preview')
    .addColumn('outlet', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.alterTable('press_preview').addColumn('email', 'text').execute()

  await db.schema
    .createTable('press_kit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('outlet', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('usage_note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('opens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_opened_at', 'bigint')
    .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_downloaded_at', 'bigint')
    .execute()
  await db.schema.createIndex('press_kit_post').on('press_kit').columns(['post_id', 'created_at']).execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('press_kit').execute()
  await db.schema.alterTable('press_preview').dropColumn('email').execute()
  await db.schema.alterTable('press_preview').dropColumn('outlet').execute()
}
