import { type MigrationResultSet, Migrator, sql } from 'kysely'
import { type Db, isPostgres } from './database.js'
import { migrations } from './migrations/index.js'

/** Applies every pending migration in order; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // Every start migrates; when nothing is pending, no lock is taken at all (see isUpToDate).
  if (await isUpToDate(db)) return []
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: await postgresSchema(db),
  })
  const result: MigrationResultSet = await migrator.migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    const reason = result.error instanceof Error ? result.error.message : String(result.error)
    throw new Error(`migration ${failed} failed: ${reason}`)
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/**
 * Without an explicit schema, Kysely decides whether its migration tables exist by looking in
 * every schema of the database: with several Backlot schemas in one database (one per test
 * server, or per deployment) it finds another schema's table, skips creating its own and fails
 * with 'relation "kysely_migration_lock" does not exist'. Pin it to our own schema (search_path).
 */
async function postgresSchema(db: Db): Promise<string | undefined> {
  if (!isPostgres(db)) return undefined
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  return rows[0]?.schema
}

/**
 * Whether every migration has run, read without Kysely's migration lock. On PostgreSQL that lock is
 * a session-level advisory lock taken and released in separate statements around the migration
 * transaction: behind PgBouncer in transaction mode those statements may run on different server
 * connections, so the lock stays held on one of them and a later run waits on it (up to Kysely's
 * hour). Skipping the lock when nothing is pending keeps every node start safe behind PgBouncer;
 * pending migrations are run with `backlot migrate` against PostgreSQL directly
 * (docs/operations.md, "PgBouncer").
 */
async function isUpToDate(db: Db): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
    const done = new Set(rows.map((r) => r.name))
    const known = Object.keys(migrations)
    // Exactly ours: a database a newer release migrated goes on to Kysely, which refuses it.
    return done.size === known.length && known.every((name) => done.has(name))
  } catch {
    return false // no migration table yet: a new database
  }
}
