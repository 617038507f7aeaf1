import { parseArgs } from 'node:util'
import { pgRestoreInstructions } from '../backup/pg-commands.js'
import { restoreSqliteDatabase } from '../backup/sqlite-restore.js'
import { loadConfig } from '../config/config.js'
import { reportRefusal } from './refusal.js'

/**
 * `backlot restore FILE`: on SQLite, puts a backup in place of the live database (with the server
 * stopped) and gives it a new stream epoch; on PostgreSQL, prints the pg_restore way.
 */
export async function runRestore(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (positionals.length !== 1) {
    console.error('backlot: usage: backlot restore FILE')
    return 1
  }
  const file = positionals[0]!
  const config = loadConfig()
  if (config.database.kind === 'postgres') {
    for (const line of pgRestoreInstructions(config.database, file)) console.log(line)
    return 0
  }
  if (config.database.location === ':memory:') {
    console.error('backlot: an in-memory database cannot be restored')
    return 1
  }
  return reportRefusal(async () => {
    const result = await restoreSqliteDatabase(config.database.location, file, new Date())
    const taken = result.backupTakenAt ? ` (a backup taken at ${result.backupTakenAt})` : ''
    console.log(`restored ${file}${taken} into ${config.database.location}`)
    if (result.applied.length) console.log(`applied migrations: ${result.applied.join(', ')}`)
    if (result.previous) console.log(`the previous database is kept at ${result.previous}`)
    console.log(`new stream epoch ${result.epoch}: every client reloads its channels instead of resuming`)
    return 0
  })
}
