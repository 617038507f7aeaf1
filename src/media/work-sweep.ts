import fs from 'node:fs/promises'
import path from 'node:path'
import type { Db } from '../db/database.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import { failAbandonedProcessing } from './store.js'

/**
 * Clearing up after a crash (issue 20). A process killed mid-upload or mid-transcode (kill -9, OOM
 * killer, power loss) leaves two things nobody will finish:
 * - `processing` media rows: every live process renews the lease (`heartbeat_at`) of the rows it
 *   works on every quarter of BACKLOT_MEDIA_WORK_LEASE_SECONDS (uploads.ts), so a row whose lease
 *   ran out was left by a dead one. It becomes `failed` with `processing-interrupted`, which the
 *   studio shows; the file it came from is gone with the process's temporary files, so it cannot be
 *   retried here: the creator uploads it again.
 * - files under BACKLOT_DATA_DIR/tmp: uploads being received (`upload-<uuid>`) and FFmpeg work
 *   folders (`av-XXXXXX`). Only those names are touched (anything else there — another tool's
 *   files, resumable uploads — is left alone). A live process keeps its own fresh: an upload being
 *   received is written as it arrives, an upload waiting or processing is touched with every lease
 *   renewal, and FFmpeg writes into its work folder as it encodes. So an entry nothing has written
 *   for a whole lease is a dead process's. Workers of `serve --workers` share the folder; this
 *   rule is why one worker's start-up never deletes a sibling's work.
 */
export interface WorkSweepDeps {
  db: Db
  clock: Clock
  logger: Logger
  /** BACKLOT_DATA_DIR/tmp. */
  workDir: string
  leaseMs: number
}

export interface WorkSweepResult {
  /** Rows failed with `processing-interrupted`. */
  interrupted: number
  /** Temporary files and work folders deleted. */
  files: number
}

/** Backlot's own temporary entries: uploads being received, FFmpeg work folders (fs.mkdtemp). */
const OWN_ENTRY = /^(upload-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|av-[A-Za-z0-9]{6})$/
/** Entries looked at per sweep, and children per work folder: a sweep's work is bounded. */
const MAX_ENTRIES = 2000
const MAX_CHILDREN = 50

export async function sweepAbandonedWork(deps: WorkSweepDeps): Promise<WorkSweepResult> {
  const cutoff = deps.clock.now() - deps.leaseMs
  const interrupted = await failAbandonedProcessing(deps.db, cutoff)
  if (interrupted.length > 0) {
    deps.logger.warn({ mediaIds: interrupted }, 'media processing interrupted by a crash: marked failed')
  }
  // File times are wall-clock times, whatever clock the database rows follow (tests fake it).
  const files = await sweepTemporaryFiles(deps.workDir, Date.now() - deps.leaseMs, deps.logger)
  return { interrupted: interrupted.length, files }
}

async function sweepTemporaryFiles(workDir: string, cutoff: number, logger: Logger): Promise<number> {
  const names = await fs.readdir(workDir).catch(() => [] as string[])
  let deleted = 0
  for (const name of names.filter((n) => OWN_ENTRY.test(n)).slice(0, MAX_ENTRIES)) {
    const entry = path.join(workDir, name)
    const lastWrite = await lastWriteOf(entry)
    if (lastWrite === null || lastWrite >= cutoff) continue
    await fs.rm(entry, { recursive: true, force: true })
    deleted += 1
  }
  if (deleted > 0) logger.info({ deleted, workDir }, 'deleted temporary files left by a crashed process')
  return deleted
}

/** When the entry (or, for a work folder, anything directly in it) was last written; null if gone. */
async function lastWriteOf(entry: string): Promise<number | null> {
  const stat = await fs.lstat(entry).catch(() => null)
  if (!stat) return null
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  const children = await fs.readdir(entry).catch(() => [] as string[])
  for (const child of children.slice(0, MAX_CHILDREN)) {
    const childStat = await fs.lstat(path.join(entry, child)).catch(() => null)
    if (childStat) latest = Math.max(latest, childStat.mtimeMs)
  }
  return latest
}
