import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresAdapter, type Transaction } from 'kysely'
import pg from 'pg'
import type { DatabaseConfig } from '../config/config.js'
import { SchemaScopedPostgresDialect } from './pg-dialect.js'
import type { Database } from './schema.js'
import { ImmediateSqliteDialect } from './sqlite-dialect.js'

export type Db = Kysely<Database>
/** A database handle or an open transaction: store functions accept either. */
export type DbOrTx = Kysely<Database> | Transaction<Database>

export interface DatabaseHandle extends AsyncDisposable {
  db: Db
  dialect: DatabaseConfig['kind']
  close(): Promise<void>
}

// int8 (bigint) columns hold epoch milliseconds and counters, all far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value))

/** Opens the configured database with the settings Backlot relies on (WAL, foreign keys, schema). */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  const db =
    config.kind === 'sqlite'
      ? openSqlite(config.location, config.sqliteSynchronous ?? 'full')
      : await openPostgres(config)
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await db.destroy()
  }
  return { db, dialect: config.kind, close, [Symbol.asyncDispose]: close }
}

function openSqlite(file: string, synchronous: 'full' | 'normal'): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const database = new SqliteDatabase(file)
  database.pragma('journal_mode = WAL')
  database.pragma('foreign_keys = ON')
  // Deleted content is overwritten with zeros, not left in free pages (db/scrub.ts).
  database.pragma('secure_delete = ON')
  // Several processes (workers, CLI) may share the file: wait for a lock instead of failing at once.
  database.pragma('busy_timeout = 5000')
  // FULL: the WAL is synced at every commit, so what was acknowledged survives a power loss
  // (docs/operations.md, "Durability"). NORMAL syncs only at checkpoints.
  database.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
  })
}

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs several times more than
 * running a small indexed query (measured: ~60 µs against ~15 µs). Hot paths (reactions, auth) run
 * the same few SQL texts thousands of times a second, so prepared statements are kept, by SQL
 * text, in a bounded LRU map. Safe because Kysely runs one query at a time on the connection, and
 * SQLite re-prepares a cached statement by itself after a schema change.
 */
function withStatementCache(database: SqliteDatabase.Database, max = 500) {
  const cache = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql)
      if (statement) {
        cache.delete(sql) // re-insert below: Map order is the LRU order
      } else {
        statement = database.prepare(sql)
        if (cache.size >= max) cache.delete(cache.keys().next().value!)
      }
      cache.set(sql, statement)
      return statement
    },
  }
}

async function openPostgres(config: DatabaseConfig): Promise<Db> {
  const schema = config.schema
  if (schema !== 'public') {
    const setup = new pg.Client({ connectionString: config.location })
    await setup.connect()
    try {
      await setup.query(`create schema if not exists "${schema}"`)
    } finally {
      await setup.end()
    }
  }
  const pool = new pg.Pool({
    connectionString: config.location,
    max: 10,
    // Every connection works inside the configured schema, so queries stay unqualified. Sent as a
    // startup parameter only for a schema other than public: PgBouncer refuses an unknown startup
    // parameter (unless told to ignore `options`), so the default works behind it as it is, and a
    // non-public schema behind PgBouncer is set on its side (docs/operations.md, "PgBouncer").
    ...(schema !== 'public' && { options: `-c search_path="${schema}"` }),
  })
  return new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) })
}

/** Whether `db` talks to PostgreSQL (for the few statements written per dialect). */
export function isPostgres(db: DbOrTx): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/** Drops a PostgreSQL schema and everything in it (benchmarks and tests clean up their own). */
export async function dropPostgresSchema(location: string, schema: string): Promise<void> {
  await using database = await openDatabase({ kind: 'postgres', location, schema: 'public' })
  await database.db.schema.dropSchema(schema).ifExists().cascade().execute()
}

export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: string }).code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
