import { type MigrationResultSet, Migrator } from 'kysely'
import type { Db } from './database.js'
import { migrations } from './migrations/index.js'

/** Applies every pending migration in order; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const result: MigrationResultSet = await migrator.migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    const reason = result.error instanceof Error ? result.error.message : String(result.error)
    throw new Error(`migration ${failed} failed: ${reason}`)
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
