import { loadConfig } from '../config/config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'

/** `backlot migrate`: apply pending migrations, print what ran, exit. */
export async function runMigrate(): Promise<number> {
  const config = loadConfig()
  await using database = await openDatabase(config.database)
  const applied = await migrateToLatest(database.db)
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date')
  return 0
}
