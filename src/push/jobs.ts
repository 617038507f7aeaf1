import type { PushConfig } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { PushFanoutReason } from '../db/schema.js'
import type { LoggedEvent } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { JobOptions, Queue } from '../queue/queue.js'
import type { Clock } from '../util/clock.js'
import { audienceFor, type BatchJob, observeFinished, runBatch } from './batch.js'
import {
  audienceIds,
  findFanout,
  finishEmptyFanout,
  insertFanout,
  setFanoutBatches,
  unfinishedFanouts,
} from './delivery-store.js'
import { isAnnounceable, loadRunWithPost } from './post-source.js'
import type { PushSender } from './sender.js'

/**
 * Push delivery as background jobs (STYLE rule 10). A committed `post.published` (or
 * `post.pinned`, for members who asked for highlights only, or `post.edited` within
 * BACKLOT_PUSH_TTL_SECONDS of publication) records a notification run in push_fanout and queues ONE
 * `push-fanout` job, deduplicated by the job id `push:<run>`. That job selects the devices and
 * queues `push-batch` jobs of BACKLOT_PUSH_BATCH_SIZE devices each (batch.ts).
 *
 * Every message about a post carries the post id as its Topic (RFC 8030 §5.4): the edit run's
 * message replaces one still waiting at the push service for an offline device, and the service
 * worker shows it under the same tag, quietly replacing the notification already shown.
 *
 * Only the node that committed the post runs the listener (event log `onCommitted`), so one node
 * enqueues; the job id makes a second enqueue (a recovery at start) harmless, and the delivery
 * claims make even a second run harmless. A scheduled post (later issue) publishes through the
 * same `post.published` event, so it notifies when it is published, not when it is scheduled.
 */
export interface PushJobDeps {
  db: Db
  queue: Queue
  clock: Clock
  config: PushConfig
  sender: PushSender
  metrics: Metrics
  logger: Logger
  /** Read when a payload is built: the public URL is only final once the server listens. */
  publicUrl: () => URL
}

export const FANOUT_QUEUE = 'push-fanout'
export const BATCH_QUEUE = 'push-batch'

interface FanoutJob {
  fanoutId: string
}

function jobOptions(config: PushConfig, jobId: string): JobOptions {
  return {
    jobId,
    attempts: config.retryAttempts,
    backoff: { type: 'exponential', delay: config.retryDelayMs },
  }
}

/** Registers the job handlers on this node. */
export function processPushJobs(deps: PushJobDeps): void {
  deps.queue.process<FanoutJob>(FANOUT_QUEUE, (job) => runFanout(deps, job.fanoutId), { concurrency: 2 })
  deps.queue.process<BatchJob>(BATCH_QUEUE, (job, info) => runBatch(deps, job, info), { concurrency: 4 })
}

/** The event-log listener: starts a notification run for each published or pinned post. */
export function pushListener(deps: PushJobDeps) {
  return async (events: readonly LoggedEvent[]): Promise<void> => {
    for (const event of events) {
      if (!event.postId) continue
      if (event.type === 'post.published') {
        await startRun(deps, event.postId, 'published', event.postId, event.at)
      } else if (event.type === 'post.pinned') {
        await startRun(deps, `${event.postId}:pin:${event.id}`, 'pinned', event.postId, event.at)
      } else if (
        event.type === 'post.edited' &&
        !event.isQuiet &&
        (await isRecentlyAnnounced(deps, event.postId))
      ) {
        await startRun(deps, `${event.postId}:edit:${event.id}`, 'edited', event.postId, event.at)
      }
    }
  }
}

/** Edits re-notify only while an earlier message may still wait at a push service (its TTL). */
async function isRecentlyAnnounced(deps: PushJobDeps, postId: string): Promise<boolean> {
  const published = await findFanout(deps.db, postId)
  return published !== undefined && deps.clock.now() - published.published_at < deps.config.ttlSeconds * 1000
}

async function startRun(
  deps: PushJobDeps,
  fanoutId: string,
  reason: PushFanoutReason,
  postId: string,
  at: number,
): Promise<void> {
  await insertFanout(deps.db, { id: fanoutId, postId, reason, publishedAt: at, now: deps.clock.now() })
  await deps.queue.add<FanoutJob>(FANOUT_QUEUE, { fanoutId }, jobOptions(deps.config, `push:${fanoutId}`))
}

/**
 * Queues again the runs of the last BACKLOT_PUSH_TTL_SECONDS that never finished — the in-process queue
 * loses its jobs on restart. Runs already (partly) sent cost only their claims check.
 */
export async function recoverRuns(deps: PushJobDeps): Promise<number> {
  const since = deps.clock.now() - deps.config.ttlSeconds * 1000
  const ids = await unfinishedFanouts(deps.db, since)
  for (const fanoutId of ids) {
    await deps.queue.add<FanoutJob>(FANOUT_QUEUE, { fanoutId }, jobOptions(deps.config, `push:${fanoutId}`))
  }
  return ids.length
}

/** Splits a run's audience into id ranges of BACKLOT_PUSH_BATCH_SIZE devices, one batch job each. */
async function runFanout(deps: PushJobDeps, fanoutId: string): Promise<void> {
  const { db, clock, config } = deps
  const loaded = await loadRunWithPost(db, fanoutId)
  if (!loaded || loaded.run.done_at !== null) return
  const { run, post } = loaded
  const ids = isAnnounceable(post) ? await audienceIds(db, audienceFor(post, run.reason, clock.now())) : []
  const batches: BatchJob[] = []
  for (let i = 0; i < ids.length; i += config.batchSize) {
    const slice = ids.slice(i, i + config.batchSize)
    batches.push({ fanoutId, postId: run.post_id, reason: run.reason, first: slice[0]!, last: slice.at(-1)! })
  }
  if (batches.length === 0) {
    const finished = await finishEmptyFanout(db, fanoutId, clock.now())
    if (finished) observeFinished(deps, finished)
    return
  }
  await setFanoutBatches(db, fanoutId, batches.length)
  for (const [i, batch] of batches.entries()) {
    await deps.queue.add(BATCH_QUEUE, batch, jobOptions(config, `push:${fanoutId}:${i}:${batch.first}`))
  }
}
