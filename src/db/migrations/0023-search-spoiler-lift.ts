import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * A spoiler that lifts at its chapter's air date lifts in search too: `search_post.lifts_at` says
 * when a document's hidden text (a spoiler's words, spoiler images' alt text) opens to everyone.
 * The rule that computes it lives in code (reads/rules.ts), so this migration only drops the
 * documents that could lift (hidden text and chapter tags): search's start-up backfill
 * (search/documents.ts indexMissing, re-armed here) indexes them again with the date.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('search_post').addColumn('lifts_at', 'bigint').execute()
  await db.deleteFrom('search_post').where('hidden_text', '!=', '').where('chapters', '!=', '').execute()
  await db.deleteFrom('meta').where('key', '=', 'search_backfilled').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('search_post').dropColumn('lifts_at').execute()
}
