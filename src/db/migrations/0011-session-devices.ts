import { type Kysely, sql } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * A person's list of sessions (issue 17 point 1). `public_id` names a session in the API: the row id
 * is the hash of the cookie and stays on the server. `device` is a label made from the user agent
 * at login ("Chrome on Android"), `network` the address's network (/24 or /48), never the address:
 * enough to recognise a login, not to locate anyone. Earlier sessions get an id from their hash's
 * first characters (a prefix of a hash of a random secret reveals nothing) and no label.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('session').addColumn('public_id', 'text').execute()
  await db.schema.alterTable('session').addColumn('device', 'text').execute()
  await db.schema.alterTable('session').addColumn('network', 'text').execute()
  await sql`update session set public_id = substr(id, 1, 26) where public_id is null`.execute(db)
  await db.schema.createIndex('session_public_id').on('session').column('public_id').unique().execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('session_public_id').execute()
  await db.schema.alterTable('session').dropColumn('network').execute()
  await db.schema.alterTable('session').dropColumn('device').execute()
  await db.schema.alterTable('session').dropColumn('public_id').execute()
}
