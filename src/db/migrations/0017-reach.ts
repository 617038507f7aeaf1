import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Reach without tracking (issue 19 part 5; docs/privacy.md says what each table holds and for how
 * long). Days are whole UTC days since the epoch. The `*_day` tables are counters only: no address,
 * no user agent, no visitor hash. `reach_visitor` holds today's salted visitor hashes, and
 * `reach_salt` today's salt; both are deleted when the day is rolled up into
 * `reach_channel_day.visitors`.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('reach_channel_day')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    // Channel page views (people), bot and unfurler requests of the channel page, distinct visitors
    // of the channel's pages and embeds (written when the day is rolled up).
    .addColumn('page_views', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bots', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('visitors', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('reach_channel_day_pk', ['day', 'channel_id'])
    .execute()
  // Primary keys lead with the day (the roll-up and retention delete by day); the report reads one
  // channel's window.
  await db.schema
    .createIndex('reach_channel_day_channel')
    .on('reach_channel_day')
    .columns(['channel_id', 'day'])
    .execute()

  await db.schema
    .createTable('reach_post_day')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    // page | embed | oembed
    .addColumn('surface', 'text', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bots', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('reach_post_day_pk', ['day', 'post_id', 'surface'])
    .execute()
  await db.schema
    .createIndex('reach_post_day_channel')
    .on('reach_post_day')
    .columns(['channel_id', 'day'])
    .execute()

  await db.schema
    .createTable('reach_embed_day')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    // The embedding site's origin (scheme, host, port), never a path; 'direct' without a Referer.
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('reach_embed_day_pk', ['day', 'post_id', 'origin'])
    .execute()
  await db.schema
    .createIndex('reach_embed_day_channel')
    .on('reach_embed_day')
    .columns(['channel_id', 'day'])
    .execute()

  await db.schema
    .createTable('reach_feed_day')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    // The feed reader's family (feedly, inoreader, …, other) and the feed's format (rss, atom, json).
    .addColumn('reader', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('fetches', 'integer', (c) => c.notNull().defaultTo(0))
    // The largest subscriber count the reader reported in its User-Agent that day; 0 if none.
    .addColumn('subscribers', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('reach_feed_day_pk', ['day', 'channel_id', 'reader', 'format'])
    .execute()
  await db.schema
    .createIndex('reach_feed_day_channel')
    .on('reach_feed_day')
    .columns(['channel_id', 'day'])
    .execute()

  await db.schema
    .createTable('reach_visitor')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    // Hex SHA-256 of (the day's salt, address, user agent), truncated to 128 bits.
    .addColumn('visitor', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reach_visitor_pk', ['day', 'channel_id', 'visitor'])
    .execute()

  await db.schema
    .createTable('reach_salt')
    .addColumn('day', 'integer', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Db): Promise<void> {
  for (const table of [
    'reach_salt',
    'reach_visitor',
    'reach_feed_day',
    'reach_embed_day',
    'reach_post_day',
    'reach_channel_day',
  ])
    await db.schema.dropTable(table).execute()
}
