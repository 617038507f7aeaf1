import type { Db } from '../db/database.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'

/**
 * Forgets the delivery claims of posts whose notifications are over: push_delivery holds a row per
 * (post, device), so a big channel adds 100,000 rows per post. Claims matter while a run may still
 * send (recovery re-queues runs of the last BACKLOT_PUSH_TTL_SECONDS) and while an edit may re-notify
 * (also within the TTL); a day after that they are deleted with the post's run records.
 */
export interface PruneDeps {
  db: Db
  clock: Clock
  logger: Logger
  ttlSeconds: number
}

const GRACE_MS = 86_400_000
const POSTS_PER_ROUND = 100

export async function prunePushRecords(deps: PruneDeps): Promise<number> {
  const cutoff = deps.clock.now() - deps.ttlSeconds * 1000 - GRACE_MS
  let pruned = 0
  for (;;) {
    const before = pruned
    const rows = await deps.db
      .selectFrom('push_fanout')
      .select('post_id')
      .distinct()
      .where('created_at', '<', cutoff)
      .limit(POSTS_PER_ROUND)
      .execute()
    for (const { post_id: postId } of rows) {
      // A post pinned or edited recently keeps its claims until that run is old too.
      const recent = await deps.db
        .selectFrom('push_fanout')
        .select('id')
        .where('post_id', '=', postId)
        .where('created_at', '>=', cutoff)
        .executeTakeFirst()
      if (recent) continue
      await deps.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('push_delivery').where('post_id', '=', postId).execute()
        await tx.deleteFrom('push_fanout').where('post_id', '=', postId).execute()
      })
      pruned++
    }
    // Stop when a round made no progress too: its posts all had a recent run and would come back.
    if (rows.length < POSTS_PER_ROUND || pruned === before) break
  }
  if (pruned > 0) deps.logger.info({ posts: pruned }, 'push: forgot delivery records of old posts')
  return pruned
}

/** How often pruning runs (once per cluster: a repeated job on the Queue, wired in context.ts). */
export const PRUNE_INTERVAL_MS = 3_600_000
