import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * Federation infrastructure (issue 18 parts 2 and 3; src/federation/infra):
 * - `federation_kv`: Fedify's key–value store (remote document cache, inbox idempotence, signature
 *   spec memory…), keys as `/`-joined URI-encoded segments so prefix lists are plain string tests
 *   on both dialects; `expires_at` is honoured on read and swept.
 * - `federation_instance`: delivery health per remote host, so a dead instance is given up on.
 * - `federation_block`: the operator's instance block list; `federation_block_log` the audit trail
 *   of blocks and unblocks (the channel audit log needs a channel, a block is server-wide).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('federation_kv')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute()
  await db.schema.createIndex('federation_kv_expires').on('federation_kv').column('expires_at').execute()
  await db.schema
    .createTable('federation_instance')
    .addColumn('host', 'text', (c) => c.primaryKey())
    // healthy | failing | dead
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_failure_at', 'bigint')
    .addColumn('last_failure_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('dead_since', 'bigint')
    .addColumn('next_probe_at', 'bigint')
    .execute()
  await db.schema
    .createTable('federation_block')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('blocked_by', 'text', (c) => c.references('account.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('federation_block_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain', 'text', (c) => c.notNull())
    // blocked | unblocked
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('account.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('federation_block_log_domain')
    .on('federation_block_log')
    .columns(['domain', 'created_at'])
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('federation_block_log').execute()
  await db.schema.dropTable('federation_block').execute()
  await db.schema.dropTable('federation_instance').execute()
  await db.schema.dropTable('federation_kv').execute()
}
