import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Production and press (issue 6): production tags on posts, press preview links for embargoed
 * posts, digests, and derived renderings of media (the blurred stand-in of a spoiler image).
 * Production facts themselves live in the existing `channel.production` JSON column.
 */
export async function up(db: Db): Promise<void> {
  // The scheduler's question, on every node and at every start: which scheduled posts are due?
  await db.schema.createIndex('post_schedule').on('post').columns(['status', 'publish_at']).execute()

  await db.schema
    .createTable('post_production')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('post.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('week_from', 'integer')
    .addColumn('week_to', 'integer')
    // JSON array of chapter numbers, ascending.
    .addColumn('chapters', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('unit', 'text')
    .execute()
  await db.schema
    .createIndex('post_production_channel')
    .on('post_production')
    .columns(['channel_id', 'week_from'])
    .execute()

  await db.schema
    .createTable('press_preview')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('press_preview_post').on('press_preview').column('post_id').execute()

  await db.schema
    .createTable('digest')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('intro', 'text', (c) => c.notNull())
    .addColumn('week_from', 'integer')
    .addColumn('week_to', 'integer')
    .addColumn('date_from', 'bigint')
    .addColumn('date_to', 'bigint')
    // null: chosen at read time (the most reacted posts of the range); else a JSON array of post ids.
    .addColumn('post_ids', 'text')
    .addColumn('max_posts', 'integer', (c) => c.notNull())
    .addColumn('linked_post_id', 'text', (c) => c.references('post.id').onDelete('set null'))
    .addColumn('created_by', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('digest_channel').on('digest').columns(['channel_id', 'created_at']).execute()

  await db.schema
    .createTable('media_rendering')
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    // 'blur': the strongly blurred stand-in shown for a spoiler image outside the app.
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('media_rendering_pk', ['media_id', 'name'])
    .execute()
}

export async function down(db: Db): Promise<void> {
  for (const table of ['media_rendering', 'digest', 'press_preview', 'post_production']) {
    await db.schema.dropTable(table).execute()
  }
  await db.schema.dropIndex('post_schedule').execute()
}
