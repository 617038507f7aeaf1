import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Channel avatars (issue 5): which upload is a channel's avatar. A table rather than a column on
 * `channel`, so the avatar is claimed exactly like an album image (a row pointing at the media):
 * the unattached-media sweep and the album claim both look for such rows.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('channel_avatar')
    // Deleting the channel releases its avatar: the media row is then unattached and swept.
    .addColumn('channel_id', 'text', (c) => c.primaryKey().references('channel.id').onDelete('cascade'))
    // Unique: one upload is the avatar of one channel at most. No cascade: the sweep must fail
    // rather than strip a channel of its avatar (as for post_media).
    .addColumn('media_id', 'text', (c) => c.notNull().unique().references('media.id'))
    .addColumn('set_at', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('channel_avatar').execute()
}
