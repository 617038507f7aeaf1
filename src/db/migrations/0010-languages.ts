import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Languages (issue 16 point 4). `account.language`: the person's setting, null to follow the
 * browser's Accept-Language. `push_subscription.language`: the language the browser asked for
 * when it subscribed — what a notification is written in when the person has no setting, since a
 * push service carries no Accept-Language. Both hold a language with a catalog (src/i18n) or null.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('account').addColumn('language', 'text').execute()
  await db.schema.alterTable('push_subscription').addColumn('language', 'text').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('push_subscription').dropColumn('language').execute()
  await db.schema.alterTable('account').dropColumn('language').execute()
}
