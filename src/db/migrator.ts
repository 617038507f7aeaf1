import { type MigrationResultSet, Migrator, sql } from 'kysely'
import { type Db, isPostgres } from './database.js'
import { migrations } from './migrations/index.js'

/** Applies every pending migration in order; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
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
