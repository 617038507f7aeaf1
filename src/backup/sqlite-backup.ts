import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { sql } from 'kysely'
import { openDatabase } from '../db/database.js'
import { fileStamp } from './file-stamp.js'
import { metaKeys, writeMeta } from './meta.js'
import { refuse } from './refusal.js'

export interface BackupResult {
  file: string
  bytes: number
  /** ISO time, also written into the copy's `meta` (backup_taken_at). */
  takenAt: string
}

/** Most pages better-sqlite3 lets one backup step copy: in effect, all of them. */
const ALL_PAGES = 0x7fffffff

/** Where `backlot backup` writes without --output: a `backups` folder beside the database. */
export function defaultBackupFile(databaseFile: string, now: Date): string {
  return path.join(path.dirname(databaseFile), 'backups', `backlot-${fileStamp(now)}.db`)
}

/**
 * Copies the live SQLite database to `output` with SQLite's online backup, safe while a server
 * writes to it (what the WAL holds is included). The copy is marked as a backup in its own `meta`,
 * so whenever it becomes the live database again — through `backlot restore` or a plain `cp` — the
 * next start changes the stream epoch (restore-guard.ts). Written under a temporary name and
 * renamed, so `output` is never a half-written file; readable by the owner only, since it holds
 * password hashes and the push signing key.
 */
export async function backupSqliteDatabase(source: string, output: string, now: Date): Promise<BackupResult> {
  if (!fs.existsSync(source)) refuse(`there is no database at ${source}`)
  if (fs.existsSync(output)) refuse(`${output} already exists; choose another --output`)
  fs.mkdirSync(path.dirname(output), { recursive: true })
  const partial = `${output}.partial`
  fs.rmSync(partial, { force: true })
  const takenAt = now.toISOString()
  try {
    const live = new SqliteDatabase(source, { fileMustExist: true, timeout: 5000 })
    try {
      // After the first (empty) step, one step copies every page inside one read transaction: a
      // consistent snapshot that the server's writers neither wait for (WAL) nor restart, as they
      // would restart the default 100-page steps on a busy database.
      await live.backup(partial, { progress: () => ALL_PAGES })
    } finally {
      live.close()
    }
    await markAsBackup(partial, takenAt)
    fs.chmodSync(partial, 0o600)
    fs.renameSync(partial, output)
  } catch (error) {
    fs.rmSync(partial, { force: true })
    throw error
  }
  return { file: output, bytes: fs.statSync(output).size, takenAt }
}

async function markAsBackup(file: string, takenAt: string): Promise<void> {
  await using copy = await openDatabase({ kind: 'sqlite', location: file, schema: 'public' })
  await writeMeta(copy.db, metaKeys.backupTakenAt, takenAt)
  // One self-contained file: no -wal beside it for an operator to forget when moving it.
  await sql`pragma journal_mode = delete`.execute(copy.db)
}
