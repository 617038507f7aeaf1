import { type Kysely, sql } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('handle', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('email', 'text')
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('session_account').on('session').column('account_id').execute()

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute()
  await db.schema.createIndex('api_token_account').on('api_token').column('account_id').execute()

  await db.schema
    .createTable('channel')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('join_policy', 'text', (c) => c.notNull())
    .addColumn('reaction_set', 'text')
    .addColumn('production', 'text')
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('archived_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('channel_member')
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('role', 'text')
    .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notify_level', 'text', (c) => c.notNull().defaultTo('all'))
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_member_pk', ['channel_id', 'account_id'])
    .execute()
  await db.schema.createIndex('channel_member_account').on('channel_member').column('account_id').execute()
  // At most one owner per channel, enforced by the database too: ownership transfer demotes the old
  // owner before promoting the new one, so a concurrent second transfer fails instead of making two.
  await db.schema
    .createIndex('channel_member_one_owner')
    .on('channel_member')
    .column('channel_id')
    .unique()
    .where(sql.ref('role'), '=', 'owner')
    .execute()

  await db.schema
    .createTable('channel_ban')
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('banned_by', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_ban_pk', ['channel_id', 'account_id'])
    .execute()

  await db.schema
    .createTable('channel_invite')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('channel_invite_channel').on('channel_invite').column('channel_id').execute()

  await db.schema
    .createTable('join_request')
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('account.id'))
    .addColumn('decided_at', 'bigint')
    .addPrimaryKeyConstraint('join_request_pk', ['channel_id', 'account_id'])
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('actor_id', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_account_id', 'text')
    .addColumn('target_post_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_log_channel').on('audit_log').columns(['channel_id', 'id']).execute()

  await db.schema
    .createTable('post')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('publish_at', 'bigint')
    .addColumn('published_at', 'bigint')
    .addColumn('edited_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .addColumn('pinned_at', 'bigint')
    .addColumn('spoiler', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('spoiler_label', 'text')
    .addColumn('silent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotency_key', 'text')
    .addColumn('idempotency_fingerprint', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('post_feed')
    .on('post')
    .columns(['channel_id', 'status', 'published_at', 'id'])
    .execute()
  await db.schema
    .createIndex('post_idempotency')
    .on('post')
    .columns(['channel_id', 'author_id', 'idempotency_key'])
    .unique()
    .execute()

  await db.schema
    .createTable('post_revision')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('editor_id', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('post_revision_post')
    .on('post_revision')
    .columns(['post_id', 'revision'])
    .execute()

  await db.schema
    .createTable('channel_event')
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('post_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_event_pk', ['channel_id', 'seq'])
    .execute()

  // The stream epoch (DESIGN rule 2): a new database is a new history, so clients holding positions
  // from another history are told to reload rather than resume.
  await sql`insert into meta (key, value) values ('stream_epoch', ${randomEpoch()})`.execute(db)
}

export async function down(db: Db): Promise<void> {
  for (const table of [
    'channel_event',
    'post_revision',
    'post',
    'audit_log',
    'join_request',
    'channel_invite',
    'channel_ban',
    'channel_member',
    'channel',
    'api_token',
    'session',
    'account',
    'meta',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}

function randomEpoch(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 12)
}
