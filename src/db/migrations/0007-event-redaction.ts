import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Redaction of the event log (issue 14): editing or deleting a post rewrites the earlier events
 * of that post in the same transaction, so they are found by post, within the channel.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.createIndex('channel_event_post').on('channel_event').columns(['post_id']).execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('channel_event_post').execute()
}
