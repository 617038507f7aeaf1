import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Web Push (issue 8): devices, one fan-out record per notification run, and one delivery row per
 * (post, device) — the at-most-once claim a batch makes before it sends.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('push_subscription')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    // One browser subscription belongs to one account: the endpoint is the device's identity.
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('push_subscription_account')
    .on('push_subscription')
    .column('account_id')
    .execute()

  await db.schema
    .createTable('push_fanout')
    // `<postId>` for the publish run, `<postId>:pin:<eventId>` and `<postId>:edit:<eventId>` after.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addColumn('batches', 'integer')
    .addColumn('batches_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('push_fanout_open')
    .on('push_fanout')
    .columns(['done_at', 'created_at'])
    .execute()

  await db.schema
    .createTable('push_delivery')
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('subscription_id', 'text', (c) =>
      c.notNull().references('push_subscription.id').onDelete('cascade'),
    )
    // sending (claimed; never sent again) | sent | retry (known not delivered) | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // The post revision the device was last sent: an edit run sends the new text once per revision.
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('push_delivery_pk', ['post_id', 'subscription_id'])
    .execute()
  await db.schema
    .createIndex('push_delivery_subscription')
    .on('push_delivery')
    .column('subscription_id')
    .execute()
}

export async function down(db: Db): Promise<void> {
  for (const table of ['push_delivery', 'push_fanout', 'push_subscription']) {
    await db.schema.dropTable(table).execute()
  }
}
