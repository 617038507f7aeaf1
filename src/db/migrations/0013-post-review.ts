import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Sign-off and preview opens (issue 16): a channel may require approval of creators' posts; a post
 * waiting for it has the status `in_review` (post.status is plain text, so the new status needs no
 * change there) and one `post_review` row holding the last step of its review (who, when, the
 * return comment). Press preview links count their opens and keep the times of the latest ones.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable('channel')
    .addColumn('require_approval', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('post_review')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('post.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    // in_review | withdrawn | approved | returned: the last step taken.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('actor_id', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint', (c) => c.notNull())
    .execute()
  // The review queue: a channel's posts in review, oldest submission first.
  await db.schema
    .createIndex('post_review_queue')
    .on('post_review')
    .columns(['channel_id', 'state', 'submitted_at', 'post_id'])
    .execute()

  await db.schema
    .alterTable('press_preview')
    .addColumn('opens', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('press_preview').addColumn('last_opened_at', 'bigint').execute()
  await db.schema
    .createTable('press_preview_open')
    .addColumn('preview_id', 'text', (c) => c.notNull().references('press_preview.id').onDelete('cascade'))
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('press_preview_open_preview')
    .on('press_preview_open')
    .columns(['preview_id', 'opened_at'])
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('press_preview_open').execute()
  await db.schema.alterTable('press_preview').dropColumn('last_opened_at').execute()
  await db.schema.alterTable('press_preview').dropColumn('opens').execute()
  await db.schema.dropTable('post_review').execute()
  await db.schema.alterTable('channel').dropColumn('require_approval').execute()
}
