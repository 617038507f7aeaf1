import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Captions and processing that every node can follow (issue 20):
 * - `captions`: a video's WebVTT tracks, JSON array of `{ lang, label, key, bytes }` (key: the
 *   validated, re-serialised .vtt in the media store), like `variants`.
 * - `progress_permille`: how far transcoding has come (0–1000), written by the node doing it so the
 *   studio sees it through any node.
 * - `heartbeat_at`: when the node processing the row last said it is alive; a `processing` row
 *   whose heartbeat is older than BACKLOT_MEDIA_WORK_LEASE_SECONDS was left by a crashed process
 *   (indexed by status: every process looks for them every half lease).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable('media')
    .addColumn('captions', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute()
  await db.schema.alterTable('media').addColumn('progress_permille', 'integer').execute()
  await db.schema.alterTable('media').addColumn('heartbeat_at', 'bigint').execute()
  // Every process looks for `processing` rows whose lease ran out, every half lease (work-sweep.ts).
  await db.schema.createIndex('media_status_idx').on('media').column('status').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('media_status_idx').execute()
  await db.schema.alterTable('media').dropColumn('heartbeat_at').execute()
  await db.schema.alterTable('media').dropColumn('progress_permille').execute()
  await db.schema.alterTable('media').dropColumn('captions').execute()
}
