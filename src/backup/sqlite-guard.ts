import type { Db, DbOrTx } from '../db/database.js'
import { newIncarnation, readSidecar, sidecarPath, writeSidecar } from './incarnation.js'
import { deleteMeta, metaKeys, readMeta, writeMeta } from './meta.js'
import type { Replacement } from './replacement.js'
import { rotateStreamEpoch } from './stream-epoch.js'

/**
 * The start-time check on SQLite. In one write transaction (BEGIN IMMEDIATE: a CLI command starting
 * beside a server waits its turn instead of racing it): compare the database's incarnation token
 * with the sidecar's, rotate the epoch when they disagree or the database is a `backlot backup`
 * copy, then stamp a fresh token into both. Returns why the epoch changed, or null.
 */
export async function checkSqliteIncarnation(db: Db, file: string): Promise<Replacement | null> {
  return db.transaction().execute(async (tx) => {
    const meta = await readMeta(tx, [metaKeys.incarnation, metaKeys.backupTakenAt])
    const replacement = sqliteReplacement({
      stored: meta.get(metaKeys.incarnation),
      backupTakenAt: meta.get(metaKeys.backupTakenAt),
      sidecar: readSidecar(file),
      file,
    })
    if (replacement) {
      await rotateStreamEpoch(tx)
      await deleteMeta(tx, metaKeys.backupTakenAt)
    }
    await stampIncarnation(tx, file)
    return replacement
  })
}

/**
 * Stamps a new token at a clean stop too: a copy of the file taken while the server ran then holds
 * a token the sidecar no longer names, so putting it back is noticed even with no start in between.
 */
export async function stampSqliteIncarnation(db: Db, file: string): Promise<void> {
  await db.transaction().execute((tx) => stampIncarnation(tx, file))
}

/**
 * The sidecar is written before the transaction commits: if the commit then fails, the next start
 * sees a mismatch and changes the epoch once more — the safe direction (clients reload needlessly),
 * never the unsafe one.
 */
export async function stampIncarnation(tx: DbOrTx, file: string): Promise<void> {
  const token = newIncarnation()
  await writeMeta(tx, metaKeys.incarnation, token)
  writeSidecar(file, token)
}

interface Marks {
  /** The database's token; undefined in a database no Backlot with this check has started on. */
  stored: string | undefined
  backupTakenAt: string | undefined
  /** The sidecar's token; null without a sidecar. */
  sidecar: string | null
  file: string
}

export function sqliteReplacement({ stored, backupTakenAt, sidecar, file }: Marks): Replacement | null {
  if (backupTakenAt !== undefined) {
    return {
      reason: 'backup-restored',
      detail: `the database is a copy written by "backlot backup" at ${backupTakenAt}`,
    }
  }
  // Neither mark: the first start of a new database, or the first since this check exists.
  if (stored === undefined && sidecar === null) return null
  if (sidecar === null) {
    return {
      reason: 'sidecar-missing',
      detail: `the database has run elsewhere: ${sidecarPath(file)} is missing (moved or restored into a new folder?)`,
    }
  }
  if (stored !== sidecar) {
    return {
      reason: 'database-replaced',
      detail: `the database is not the one this server last ran on (its token differs from ${sidecarPath(file)}): an older copy was put back`,
    }
  }
  return null
}
