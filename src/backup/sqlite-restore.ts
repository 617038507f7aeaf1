import fs from 'node:fs'
import path from 'node:path'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { checkBacklotDatabase } from './backlot-file.js'
import { fileStamp } from './file-stamp.js'
import { newIncarnation, sidecarPath, writeSidecar } from './incarnation.js'
import { deleteMeta, metaKeys, readMeta, writeMeta } from './meta.js'
import { refuse } from './refusal.js'
import { isSqliteDatabaseInUse } from './sqlite-lock.js'
import { rotateStreamEpoch } from './stream-epoch.js'

export interface RestoreResult {
  /** Where the database that was live is kept; null if there was none. */
  previous: string | null
  /** The restored database's new stream epoch. */
  epoch: string
  /** When `backlot backup` took the copy; null for a copy made otherwise. */
  backupTakenAt: string | null
  /** Migrations applied to bring an older copy up to date. */
  applied: string[]
}

const SUFFIXES = ['', '-wal', '-shm'] as const

const IN_USE = 'the database is in use: stop the server (every worker) and any other backlot command first'

/**
 * `backlot restore FILE` on SQLite. Nothing changes until every check passed: the live database is
 * not open anywhere, and FILE is a sound Backlot database. Works on a staging copy beside the live
 * file (FILE itself is never opened for writing): migrates it if it is older, gives it a new stream epoch (the
 * restored history reuses sequence numbers) and a fresh incarnation; then moves the live database
 * and its -wal/-shm aside as `<db>.before-restore-<time>` and renames the staging copy into place.
 */
export async function restoreSqliteDatabase(live: string, source: string, now: Date): Promise<RestoreResult> {
  const from = path.resolve(source)
  if (!fs.existsSync(from) || !fs.statSync(from).isFile()) refuse(`${source}: no such file`)
  if (from === path.resolve(live)) refuse(`${source} is the live database itself`)
  if (isSqliteDatabaseInUse(live)) refuse(IN_USE)

  const staging = `${live}.restoring`
  removeDatabaseFiles(staging)
  try {
    fs.copyFileSync(from, staging)
    // A copy taken by hand may still have committed pages in its WAL: bring them along.
    if (fs.existsSync(`${from}-wal`)) fs.copyFileSync(`${from}-wal`, `${staging}-wal`)
    checkBacklotDatabase(staging, source)
    const prepared = await prepareCopy(staging)
    // A server may have started while the copy was prepared.
    if (isSqliteDatabaseInUse(live)) refuse(IN_USE)
    const owner = fs.existsSync(live) ? fs.statSync(live) : null
    const previous = setAside(live, now)
    fs.renameSync(staging, live)
    writeSidecar(live, prepared.incarnation)
    if (owner) for (const file of [live, sidecarPath(live)]) keepOwnership(file, owner)
    return { previous, ...prepared }
  } finally {
    removeDatabaseFiles(staging)
  }
}

async function prepareCopy(file: string) {
  await using copy = await openDatabase({ kind: 'sqlite', location: file, schema: 'public' })
  const applied = await migrateToLatest(copy.db)
  const incarnation = newIncarnation()
  const marks = await copy.db.transaction().execute(async (tx) => {
    const meta = await readMeta(tx, [metaKeys.backupTakenAt])
    const epoch = await rotateStreamEpoch(tx)
    await deleteMeta(tx, metaKeys.backupTakenAt)
    await writeMeta(tx, metaKeys.incarnation, incarnation)
    return { epoch, backupTakenAt: meta.get(metaKeys.backupTakenAt) ?? null }
  })
  // Closing the last connection checkpoints the WAL into the file and deletes it: one file to rename.
  return { ...marks, applied, incarnation }
}

/** Moves the live database aside; without one, removes a stale -wal/-shm the restored file must not inherit. */
function setAside(live: string, now: Date): string | null {
  if (!fs.existsSync(live)) {
    removeDatabaseFiles(live)
    return null
  }
  const aside = `${live}.before-restore-${fileStamp(now)}`
  for (const suffix of SUFFIXES) {
    if (fs.existsSync(live + suffix)) fs.renameSync(live + suffix, aside + suffix)
  }
  return aside
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of SUFFIXES) fs.rmSync(file + suffix, { force: true })
}

/**
 * The restored files get the mode and owner the live database had: an operator restoring as root
 * must not leave files the server's own user cannot open. Changing the owner needs root; without
 * it the files already belong to the user running the restore, usually the server's.
 */
function keepOwnership(file: string, like: fs.Stats): void {
  fs.chmodSync(file, like.mode & 0o777)
  try {
    fs.chownSync(file, like.uid, like.gid)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error
  }
}
