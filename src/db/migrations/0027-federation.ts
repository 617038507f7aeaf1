import type { Kysely } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/**
 * ActivityPub (issue 18 part 2, docs/federation.md). Every table hangs off a channel and cascades
 * with it, so deleting a channel erases what it knew about the fediverse in the same transaction:
 * - `federation_key`: the channel actor's key pairs (RSA for draft-cavage signatures, Ed25519 for
 *   FEP-8b32 / RFC 9421), as JWK; the private half is never served.
 * - `federation_follower`: a remote actor following the channel (or asking to, `pending`), with
 *   what delivery needs (inbox, shared inbox) and what the owner sees (handle).
 * - `federation_reaction`: a remote Like or EmojiReact, one per remote actor per post.
 * - `federation_vote`: a remote vote on a Question, one ballot per remote actor (bit mask).
 * - `federation_reply_count`: remote replies are not stored, only counted (the channel is one-way).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('federation_key')
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    // rsa | ed25519
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_key_pk', ['channel_id', 'algorithm'])
    .execute()
  await db.schema
    .createTable('federation_follower')
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('actor_id', 'text', (c) => c.notNull())
    // accepted | pending
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('follow_id', 'text', (c) => c.notNull())
    .addColumn('inbox', 'text', (c) => c.notNull())
    .addColumn('shared_inbox', 'text')
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_follower_pk', ['channel_id', 'actor_id'])
    .execute()
  await db.schema
    .createIndex('federation_follower_status')
    .on('federation_follower')
    .columns(['channel_id', 'status', 'created_at'])
    .execute()
  await db.schema
    .createTable('federation_reaction')
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_reaction_pk', ['post_id', 'actor_id'])
    .execute()
  await db.schema
    .createIndex('federation_reaction_channel')
    .on('federation_reaction')
    .column('channel_id')
    .execute()
  await db.schema
    .createTable('federation_vote')
    .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('choices', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_vote_pk', ['post_id', 'actor_id'])
    .execute()
  await db.schema.createIndex('federation_vote_channel').on('federation_vote').column('channel_id').execute()
  await db.schema
    .createTable('federation_reply_count')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('post.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('replies', 'integer', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('federation_reply_count_channel')
    .on('federation_reply_count')
    .column('channel_id')
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('federation_reply_count').execute()
  await db.schema.dropTable('federation_vote').execute()
  await db.schema.dropTable('federation_reaction').execute()
  await db.schema.dropTable('federation_follower').execute()
  await db.schema.dropTable('federation_key').execute()
}
