import fs from 'node:fs'
import SqliteDatabase from 'better-sqlite3'

/**
 * Whether any process has the SQLite database open: a server, one of its workers, or another
 * backlot command. Backlot runs SQLite in WAL mode, where every open connection keeps a shared lock
 * on the database file for as long as it stays open, idle or not (it is how SQLite knows which
 * connection is the last one, the one that may delete the WAL). So asking for an exclusive lock
 * without waiting fails exactly while someone else has the file open, and the lock goes away with
 * the process, even one that crashed. A pid or lock file was the alternative: it goes stale after a
 * crash, may name a reused pid, and would miss the CLI commands that open the database.
 * Caveat (docs/operations.md): network file systems whose locks do not work defeat this, as they
 * defeat SQLite itself.
 */
export function isSqliteDatabaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false
  const probe = new SqliteDatabase(file, { timeout: 0, fileMustExist: true })
  try {
    probe.pragma('locking_mode = EXCLUSIVE')
    probe.exec('begin exclusive')
    probe.exec('rollback')
    return false
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true
    // The file is not a database (damaged, the reason for restoring): nothing can be serving it.
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return false
    throw error
  } finally {
    probe.close()
  }
}
