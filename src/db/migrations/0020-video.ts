import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Video and voice posts (issue 20). A media row is a video or a voice note when its `mime` (what
 * the probe found, never the client's claim) starts with `video/` or `audio/`; its renditions are
 * entries of `variants` like an image's sizes. `duration_ms` is the length of the renditions;
 * `waveform` a voice note's peaks (JSON array of 0–100) for the player.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('media').addColumn('duration_ms', 'integer').execute()
  await db.schema.alterTable('media').addColumn('waveform', 'text').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('media').dropColumn('waveform').execute()
  await db.schema.alterTable('media').dropColumn('duration_ms').execute()
}
