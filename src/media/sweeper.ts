import type { Db } from '../db/database.js'
import type { Logger } from '../logger.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { Clock } from '../util/clock.js'
import { deleteUnreferenced } from './files.js'
import { deleteUnattachedMedia, keysOf, listExpiredUnattached } from './store.js'

export interface SweepDeps {
  db: Db
  clock: Clock
  mediaStore: MediaStore
  logger: Logger
  unattachedTtlMs: number
}

export interface SweepResult {
  media: number
  files: number
}

const BATCH = 100

/**
 * Deletes media that were not claimed within the TTL — put in an album or made a channel's avatar —
 * (any status: ready, failed, or stuck in processing after a crash), then the files no other media
 * row uses. A row claimed between listing and deleting is kept: the delete re-checks `post_media`
 * and `channel_avatar`, and their foreign keys refuse to delete a row a concurrent album or avatar
 * transaction has just linked.
 */
export async function sweepUnattachedMedia(deps: SweepDeps): Promise<SweepResult> {
  const cutoff = deps.clock.now() - deps.unattachedTtlMs
  const result: SweepResult = { media: 0, files: 0 }
  for (;;) {
    const rows = await listExpiredUnattached(deps.db, cutoff, BATCH)
    let progress = 0
    for (const row of rows) {
      try {
        if (!(await deleteUnattachedMedia(deps.db, row.id))) continue
      } catch (error) {
        deps.logger.warn({ err: error, mediaId: row.id }, 'media sweep: row kept (attached meanwhile?)')
        continue
      }
      progress += 1
      result.files += await deleteUnreferenced(deps.db, deps.mediaStore, keysOf(row))
    }
    result.media += progress
    if (rows.length < BATCH || progress === 0) break
  }
  if (result.media > 0) deps.logger.info(result, 'media sweep: deleted unattached uploads')
  return result
}

/**
 * How often the sweep runs (once per cluster: a repeated job on the Queue, wired in context.ts):
 * often enough that expired uploads go within a quarter of an hour of their TTL.
 */
export const SWEEP_INTERVAL_MS = 15 * 60_000
