import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Link previews (issue 18 part 4). `link_preview` caches what a URL's page said (OpenGraph or
 * Twitter card) for a while, shared by every post linking it; its image is a media row re-hosted
 * through the media pipeline. `post_link_preview` is a post's one preview link (its first URL), or
 * the creator's removal of it (`is_removed`), which keeps the post from being fetched again.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('link_preview')
    .addColumn('url', 'text', (c) => c.primaryKey())
    // ready | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('description', 'text')
    .addColumn('site_name', 'text')
    .addColumn('image_media_id', 'text', (c) => c.references('media.id').onDelete('set null'))
    .addColumn('fetched_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('link_preview_image').on('link_preview').column('image_media_id').execute()
  await db.schema
    .createTable('post_link_preview')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('post.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('is_removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('post_link_preview_url').on('post_link_preview').column('url').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('post_link_preview').execute()
  await db.schema.dropTable('link_preview').execute()
}
