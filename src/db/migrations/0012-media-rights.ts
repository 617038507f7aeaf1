import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Usage rights and a spoiler label per image (issue 16, points 1 and 6). `rights` sits beside
 * `credit` ("Editorial use only, no resale") and, like it, is only ever typed by a person: never read
 * from the image's metadata, which processing strips. `spoiler_label` says what a blurred image
 * spoils, as the post's own label does. Both live on the upload (its defaults) and on the album
 * link (this post's values), like alt, credit and spoiler.
 */
export async function up(db: Db): Promise<void> {
  for (const table of ['media', 'post_media']) {
    await db.schema.alterTable(table).addColumn('rights', 'text').execute()
    await db.schema.alterTable(table).addColumn('spoiler_label', 'text').execute()
  }
}

export async function down(db: Db): Promise<void> {
  for (const table of ['post_media', 'media']) {
    await db.schema.alterTable(table).dropColumn('spoiler_label').execute()
    await db.schema.alterTable(table).dropColumn('rights').execute()
  }
}
