import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Durable federation delivery (issue 18 part 2, DESIGN rule 5): `federation_cursor` holds, per
 * channel, the event-log sequence through which federation delivery jobs are known to be enqueued
 * (src/federation/delivery-cursor.ts). Existing channels start at their current position: their
 * past events were delivered (or not) before this table existed and are not replayed.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('federation_cursor')
    .addColumn('channel_id', 'text', (c) => c.primaryKey().references('channel.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute()
  await db
    .insertInto('federation_cursor')
    .columns(['channel_id', 'seq'])
    .expression(db.selectFrom('channel').select(['id', 'last_seq']))
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('federation_cursor').execute()
}
