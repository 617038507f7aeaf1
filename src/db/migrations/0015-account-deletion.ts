import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Account deletion and suspension (issue 17 points 3 and 5). A person asks for deletion: the
 * account gets `deletion_due_at` (now + the grace period); logging in or cancelling clears it; the
 * erasure job (src/erasure) erases every account whose time has come and marks it `erased_at`, the
 * row staying as the "former member" its channel posts are attributed to. An operator suspends an
 * account (`suspended_at`, a reason for the operator's records): it cannot log in or use a token.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('account').addColumn('suspended_at', 'bigint').execute()
  await db.schema.alterTable('account').addColumn('suspension_reason', 'text').execute()
  await db.schema.alterTable('account').addColumn('deletion_requested_at', 'bigint').execute()
  await db.schema.alterTable('account').addColumn('deletion_due_at', 'bigint').execute()
  await db.schema.alterTable('account').addColumn('erased_at', 'bigint').execute()
  // The erasure job's sweep: accounts whose deletion is due, soonest first.
  await db.schema.createIndex('account_deletion_due').on('account').column('deletion_due_at').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('account_deletion_due').execute()
  for (const column of [
    'erased_at',
    'deletion_due_at',
    'deletion_requested_at',
    'suspension_reason',
    'suspended_at',
  ]) {
    await db.schema.alterTable('account').dropColumn(column).execute()
  }
}
