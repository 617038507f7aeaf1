import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Kysely<any> is the documented type for migrations: they must not depend on today's table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter

/**
 * Full-text search and the public directory (issue 19 parts 1 and 2).
 *
 * `search_post` holds one row per PUBLISHED post (search/documents.ts writes it in the post's own
 * transaction through the post hooks): the text anyone who can read the channel may match
 * (`open_text`), the text only members may match (`hidden_text`: a spoiler's text, captions and alt
 * text of spoiler images) and the production tags in words (`tags_text`), with the facts filters
 * need. Each database indexes it with its own engine:
 * - SQLite: an external-content FTS5 table over it, kept in step by triggers, with `secure-delete`
 *   so a deleted post's words are removed from the index b-tree, not only marked deleted.
 * - PostgreSQL: two stored tsvector columns (open, open + hidden) with GIN indexes.
 * Both use no stemming (unicode61 / the 'simple' configuration) so both answer the same words.
 *
 * Channel titles and descriptions are searched where they are: an FTS5 table over `channel` (with
 * triggers) on SQLite, an expression GIN index on PostgreSQL. `featured_at` marks channels the
 * operators feature in the directory.
 */
export async function up(db: Db): Promise<void> {
  const pg = isPostgres(db)
  await db.schema.alterTable('channel').addColumn('featured_at', 'bigint').execute()

  let table = db.schema.createTable('search_post')
  table = pg
    ? table.addColumn('doc_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    : table.addColumn('doc_id', 'integer', (c) => c.primaryKey())
  await table
    .addColumn('post_id', 'text', (c) => c.notNull().unique().references('post.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addColumn('is_spoiler', 'integer', (c) => c.notNull())
    .addColumn('spoiler_label', 'text')
    .addColumn('has_link', 'integer', (c) => c.notNull())
    .addColumn('week_from', 'integer')
    .addColumn('week_to', 'integer')
    // ',8,9,' — chapter filters match ',8,' on both dialects without JSON functions.
    .addColumn('chapters', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('unit', 'text')
    .addColumn('open_text', 'text', (c) => c.notNull())
    .addColumn('hidden_text', 'text', (c) => c.notNull())
    .addColumn('tags_text', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('search_post_channel')
    .on('search_post')
    .columns(['channel_id', 'published_at'])
    .execute()

  if (pg) {
    const open = sql`setweight(to_tsvector('simple', tags_text), 'A') || setweight(to_tsvector('simple', open_text), 'B')`
    await sql`ALTER TABLE search_post ADD COLUMN open_doc tsvector GENERATED ALWAYS AS (${open}) STORED`.execute(
      db,
    )
    await sql`ALTER TABLE search_post ADD COLUMN full_doc tsvector GENERATED ALWAYS AS (${open} || setweight(to_tsvector('simple', hidden_text), 'B')) STORED`.execute(
      db,
    )
    await sql`CREATE INDEX search_post_open_doc ON search_post USING GIN (open_doc)`.execute(db)
    await sql`CREATE INDEX search_post_full_doc ON search_post USING GIN (full_doc)`.execute(db)
    // The same expression as search/pg-engine.ts channelDoc, so the planner uses this index.
    await sql`CREATE INDEX channel_search_doc ON channel USING GIN ((setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')))`.execute(
      db,
    )
    return
  }

  const tokenizer = sql.raw(`tokenize = 'unicode61'`)
  await sql`CREATE VIRTUAL TABLE search_post_fts USING fts5(tags_text, open_text, hidden_text, content = 'search_post', content_rowid = 'doc_id', ${tokenizer})`.execute(
    db,
  )
  await sql`INSERT INTO search_post_fts (search_post_fts, rank) VALUES ('secure-delete', 1)`.execute(db)
  await sql`CREATE TRIGGER search_post_ai AFTER INSERT ON search_post BEGIN
    INSERT INTO search_post_fts (rowid, tags_text, open_text, hidden_text)
      VALUES (new.doc_id, new.tags_text, new.open_text, new.hidden_text);
  END`.execute(db)
  await sql`CREATE TRIGGER search_post_ad AFTER DELETE ON search_post BEGIN
    INSERT INTO search_post_fts (search_post_fts, rowid, tags_text, open_text, hidden_text)
      VALUES ('delete', old.doc_id, old.tags_text, old.open_text, old.hidden_text);
  END`.execute(db)
  await sql`CREATE TRIGGER search_post_au AFTER UPDATE ON search_post BEGIN
    INSERT INTO search_post_fts (search_post_fts, rowid, tags_text, open_text, hidden_text)
      VALUES ('delete', old.doc_id, old.tags_text, old.open_text, old.hidden_text);
    INSERT INTO search_post_fts (rowid, tags_text, open_text, hidden_text)
      VALUES (new.doc_id, new.tags_text, new.open_text, new.hidden_text);
  END`.execute(db)

  // A table of its own (not external content over `channel`): `channel` has no INTEGER PRIMARY KEY,
  // and VACUUM may renumber implicit rowids, which would point an external-content index at the
  // wrong rows. Channels are few and change rarely, so the trigger's lookup by channel_id is cheap.
  await sql`CREATE VIRTUAL TABLE channel_fts USING fts5(channel_id UNINDEXED, title, description, ${tokenizer})`.execute(
    db,
  )
  await sql`INSERT INTO channel_fts (channel_fts, rank) VALUES ('secure-delete', 1)`.execute(db)
  await sql`INSERT INTO channel_fts (channel_id, title, description) SELECT id, title, description FROM channel`.execute(
    db,
  )
  await sql`CREATE TRIGGER channel_fts_ai AFTER INSERT ON channel BEGIN
    INSERT INTO channel_fts (channel_id, title, description) VALUES (new.id, new.title, new.description);
  END`.execute(db)
  await sql`CREATE TRIGGER channel_fts_ad AFTER DELETE ON channel BEGIN
    DELETE FROM channel_fts WHERE channel_id = old.id;
  END`.execute(db)
  await sql`CREATE TRIGGER channel_fts_au AFTER UPDATE OF title, description ON channel BEGIN
    UPDATE channel_fts SET title = new.title, description = new.description WHERE channel_id = old.id;
  END`.execute(db)
}

export async function down(db: Db): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP INDEX IF EXISTS channel_search_doc`.execute(db)
  } else {
    for (const trigger of ['channel_fts_ai', 'channel_fts_ad', 'channel_fts_au']) {
      await sql`DROP TRIGGER IF EXISTS ${sql.raw(trigger)}`.execute(db)
    }
    await sql`DROP TABLE IF EXISTS channel_fts`.execute(db)
    await sql`DROP TABLE IF EXISTS search_post_fts`.execute(db)
  }
  await db.schema.dropTable('search_post').execute()
  await db.schema.alterTable('channel').dropColumn('featured_at').execute()
}
