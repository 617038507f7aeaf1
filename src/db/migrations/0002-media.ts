import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/** Uploaded images (media) and their place in album posts (post_media). */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // No cascade: an account with media in posts cannot silently take those posts' images with it.
    .addColumn('owner_id', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('blurhash', 'text')
    .addColumn('alt', 'text', (c) => c.notNull())
    .addColumn('credit', 'text')
    .addColumn('spoiler', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('original_key', 'text')
    .addColumn('variants', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('ready_at', 'bigint')
    .execute()
  await db.schema.createIndex('media_owner').on('media').columns(['owner_id', 'created_at']).execute()
  await db.schema.createIndex('media_created').on('media').column('created_at').execute()
  await db.schema.createIndex('media_original_key').on('media').column('original_key').execute()

  await db.schema
    .createTable('post_media')
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    // No cascade either way: the unattached-media sweep must fail rather than strip an album.
    .addColumn('media_id', 'text', (c) => c.notNull().unique().references('media.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('alt', 'text', (c) => c.notNull())
    .addColumn('credit', 'text')
    .addColumn('spoiler', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('post_media_pk', ['post_id', 'position'])
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('post_media').execute()
  await db.schema.dropTable('media').execute()
}
