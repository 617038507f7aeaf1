import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * A person's language (issue 16 point 4): null follows the browser's Accept-Language; otherwise
 * one of the languages with a catalog (src/i18n/languages.ts), checked by the API.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('account').addColumn('language', 'text').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('account').dropColumn('language').execute()
}
