import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileStamp } from '../backup/file-stamp.js'
import { pgDumpInstructions } from '../backup/pg-commands.js'
import { backupSqliteDatabase, defaultBackupFile } from '../backup/sqlite-backup.js'
import { loadConfig } from '../config/config.js'
import { reportRefusal } from './refusal.js'

/**
 * `backlot backup [--output FILE]`: on SQLite, an online copy of the live database (safe while the
 * server runs); on PostgreSQL, the pg_dump command for the configured database and schema.
 */
export async function runBackup(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { output: { type: 'string' } }, strict: true })
  const config = loadConfig()
  const now = new Date()
  if (config.database.kind === 'postgres') {
    const output = values.output ?? `backlot-${fileStamp(now)}.dump`
    for (const line of pgDumpInstructions(config.database, output)) console.log(line)
    return 0
  }
  if (config.database.location === ':memory:') {
    console.error('backlot: an in-memory database has nothing to back up')
    return 1
  }
  const output = path.resolve(values.output ?? defaultBackupFile(config.database.location, now))
  return reportRefusal(async () => {
    const result = await backupSqliteDatabase(config.database.location, output, now)
    console.log(`backup written to ${result.file} (${formatBytes(result.bytes)})`)
    console.log('restore it with: backlot restore <file> (with the server stopped)')
    return 0
  })
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
