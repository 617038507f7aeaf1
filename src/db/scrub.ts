import { sql } from 'kysely'
import { type Db, isPostgres } from './database.js'

/**
 * Makes content erased by a committed transaction unrecoverable from the files in the data folder
 * (issue 14: deleted means gone, on disk too). SQLite runs with `secure_delete`, so the database
 * file's freed space is zeroed; but in WAL mode the pages as they were before the erasure stay in
 * the write-ahead log until it is overwritten. A TRUNCATE checkpoint copies the current pages into
 * the database file and empties the log. It waits (busy_timeout) for readers in other processes
 * (`serve --workers`); if one still holds the log, the log is truncated at the next checkpoint
 * after it, and this returns false.
 *
 * Deletions are rare and the log holds at most ~4 MB (SQLite's automatic checkpoint at 1,000
 * pages), so the cost — a few milliseconds of writing and one fsync — is paid on the deleting
 * request. PostgreSQL keeps its files outside Backlot's data folder; its dead row versions are
 * reclaimed by autovacuum (docs/security.md).
 */
export async function scrubErasedContent(db: Db): Promise<boolean> {
  if (isPostgres(db)) return true
  const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(truncate)`.execute(db)
  return rows[0]?.busy === 0
}
