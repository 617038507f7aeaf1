import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

/** Exactly one subject: a post or a digest. */
const ONE_SUBJECT = sql`(post_id is null) <> (digest_id is null)`
const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter

/**
 * Press kits of a digest (issue 19 part 3: "for a post, an album or a digest"). A kit is now of a
 * post OR of a digest: `post_id` becomes nullable, `digest_id` joins it, and a check keeps exactly
 * one of them set. Deleting the digest deletes its kits (cascade, and the digest service deletes
 * them first in its own statement); deleting a post still deletes the post's own kits, and a
 * digest kit simply stops showing a deleted post (it reads the digest's posts at every open).
 *
 * SQLite cannot drop a NOT NULL, so its table is rebuilt (the documented twelve-step way, inside
 * one transaction; nothing references press_kit, so foreign keys stay on).
 */
export async function up(db: Db): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table press_kit alter column post_id drop not null`.execute(db)
    await db.schema
      .alterTable('press_kit')
      .addColumn('digest_id', 'text', (c) => c.references('digest.id').onDelete('cascade'))
      .execute()
    await db.schema.alterTable('press_kit').addCheckConstraint('press_kit_one_subject', ONE_SUBJECT).execute()
  } else {
    await rebuild(db, true)
  }
  await db.schema
    .createIndex('press_kit_digest')
    .on('press_kit')
    .columns(['digest_id', 'created_at'])
    .execute()
}

const COLUMNS = [
  'id',
  'channel_id',
  'post_id',
  'token_hash',
  'recipient',
  'outlet',
  'email',
  'contact',
  'usage_note',
  'created_by',
  'created_at',
  'expires_at',
  'revoked_at',
  'opens',
  'last_opened_at',
  'downloads',
  'last_downloaded_at',
].join(', ')

/**
 * press_kit as 0019 made it, or (`hasDigest`) with `post_id` nullable and `digest_id` beside it;
 * SQLite's rebuild copies the shared columns across, then swaps the tables.
 */
async function rebuild(db: Db, hasDigest: boolean): Promise<void> {
  await db.transaction().execute(async (tx) => {
    let table = tx.schema
      .createTable('press_kit_next')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
      .addColumn('post_id', 'text', (c) =>
        hasDigest
          ? c.references('post.id').onDelete('cascade')
          : c.notNull().references('post.id').onDelete('cascade'),
      )
    if (hasDigest)
      table = table.addColumn('digest_id', 'text', (c) => c.references('digest.id').onDelete('cascade'))
    table = table
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('outlet', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('contact', 'text', (c) => c.notNull())
      .addColumn('usage_note', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('account.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('opens', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_opened_at', 'bigint')
      .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_downloaded_at', 'bigint')
    if (hasDigest) table = table.addCheckConstraint('press_kit_one_subject', ONE_SUBJECT)
    await table.execute()
    const columns = sql.raw(COLUMNS)
    await sql`insert into press_kit_next (${columns}) select ${columns} from press_kit`.execute(tx)
    await tx.schema.dropTable('press_kit').execute()
    await tx.schema.alterTable('press_kit_next').renameTo('press_kit').execute()
    await tx.schema.createIndex('press_kit_post').on('press_kit').columns(['post_id', 'created_at']).execute()
  })
}

/** Back to kits of posts only: digest kits are deleted (they cannot exist in the older shape). */
export async function down(db: Db): Promise<void> {
  await db.deleteFrom('press_kit').where('digest_id', 'is not', null).execute()
  await db.schema.dropIndex('press_kit_digest').execute()
  if (isPostgres(db)) {
    await db.schema.alterTable('press_kit').dropConstraint('press_kit_one_subject').execute()
    await db.schema.alterTable('press_kit').dropColumn('digest_id').execute()
    await sql`alter table press_kit alter column post_id set not null`.execute(db)
  } else {
    await rebuild(db, false)
  }
}
