import type { Db } from '../db/database.js'
import type { MediaStore } from '../media-store/media-store.js'
import { channelPlan } from './plans.js'
import { writeArchive } from './write-archive.js'

/**
 * `backlot export --channel SLUG --out FILE`: the same channel archive the owner's export job
 * writes, straight to a file, for operators (no job, no expiry). Returns the number of items.
 */
export async function exportChannelToFile(
  deps: { db: Db; mediaStore: MediaStore },
  slug: string,
  out: string,
  options: { server: string; now: number; onProgress?: (done: number, total: number) => void },
): Promise<number | null> {
  const channel = await deps.db
    .selectFrom('channel')
    .selectAll()
    .where('slug', '=', slug.toLowerCase())
    .executeTakeFirst()
  if (!channel) return null
  const plan = await channelPlan(deps.db, channel, options.server, options.now)
  let total = 0
  return writeArchive(deps, plan, out, new Date(options.now), {
    started: async (n) => {
      total = n
    },
    advanced: async (done) => options.onProgress?.(done, total),
  })
}
