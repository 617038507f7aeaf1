import type { Db } from '../db/database.js'
import type { Logger } from '../logger.js'
import { duePosts, upcomingPosts } from '../posts/index.js'
import type { Queue } from '../queue/queue.js'
import type { Clock } from '../util/clock.js'

/**
 * Publishes scheduled (embargoed) posts at their time, on the Queue seam (issue 6 item 3).
 *
 * - Each scheduled post due within the next `horizonMs` has a delayed `post.publish` job whose id
 *   names the post and its time (`publish:<id>:<publishAt>`), so queueing it twice on a node — or
 *   on every node, with BullMQ — makes one job; a rescheduled post gets a new job and the old one
 *   finds nothing to do.
 * - Jobs are queued when a post is scheduled (if due soon) and by a sweep every `sweepEveryMs` that
 *   also publishes anything overdue. Keeping delays under the horizon means no timer ever waits
 *   weeks (Node's timers overflow past 24.8 days) and posts scheduled on another node are seen.
 * - At start-up, before the server takes requests, the sweep publishes every post whose time passed
 *   while the server was down: published late (`publishedLate` in the post view).
 * - Publishing itself (`publish`) is the conditional UPDATE in posts/schedule.ts: any number of
 *   jobs, sweeps and nodes may race for one post; exactly one `post.published` is logged.
 */
export interface SchedulerDeps {
  db: Db
  clock: Clock
  queue: Queue
  logger: Logger
  /** Publishes the post if still scheduled for exactly `publishAt`; true if this call did. */
  publish(postId: string, publishAt: number): Promise<boolean>
  sweepEveryMs?: number
}

interface PublishJob {
  postId: string
  publishAt: number
  /** How many times the job re-queued itself because its timer fired before the clock agreed. */
  hop?: number
}

const JOB = 'post.publish'
const BATCH = 100

export interface Scheduler {
  /** Registers the job handler and publishes what came due while the server was down. */
  start(): Promise<void>
  /** A post was (re)scheduled: queue its job now if it is due before the next sweep looks. */
  scheduled(postId: string, publishAt: number): Promise<void>
  /**
   * Publishes everything overdue, then queues jobs for what is due within the horizon; returns how
   * many it published.
   */
  sweep(): Promise<number>
  /** Stops sweeping and waits for a running sweep. */
  stop(): Promise<void>
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { db, clock, queue, logger, publish } = deps
  const sweepEveryMs = deps.sweepEveryMs ?? 30_000
  const horizonMs = 2 * sweepEveryMs
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  let isStopped = false

  async function enqueue(postId: string, publishAt: number, hop = 0): Promise<void> {
    const delay = Math.max(0, publishAt - clock.now())
    await queue.add<PublishJob>(
      JOB,
      { postId, publishAt, hop },
      // hop > 0: a re-queue from inside the job, which is still "running" under its own id.
      { jobId: `publish:${postId}:${publishAt}${hop ? `:${hop}` : ''}`, delay, attempts: 5 },
    )
  }

  async function runJob(job: PublishJob): Promise<void> {
    // A timer may fire before the clock agrees (fake clocks, clock steps): wait the rest.
    if (job.publishAt > clock.now()) return enqueue(job.postId, job.publishAt, (job.hop ?? 0) + 1)
    if (await publish(job.postId, job.publishAt)) {
      logger.info({ postId: job.postId, publishAt: job.publishAt }, 'scheduled post published')
    }
  }

  async function sweep(): Promise<number> {
    let published = 0
    for (;;) {
      const due = await duePosts(db, clock.now(), BATCH)
      for (const post of due) {
        if (await publish(post.id, post.publish_at!)) {
          published++
          logger.warn({ postId: post.id, publishAt: post.publish_at }, 'overdue scheduled post published')
        }
      }
      if (due.length < BATCH || isStopped) break
    }
    const upcoming = await upcomingPosts(db, clock.now() + horizonMs, 10_000)
    for (const post of upcoming) await enqueue(post.id, post.publish_at!)
    return published
  }

  function tick(): void {
    timer = undefined
    if (isStopped || running) return
    running = sweep()
      .catch((error: unknown) => logger.warn({ err: error }, 'scheduler sweep failed; retrying'))
      .finally(() => {
        running = undefined
        schedule()
      })
  }

  function schedule(): void {
    if (isStopped) return
    timer = setTimeout(tick, sweepEveryMs)
    timer.unref()
  }

  return {
    async start(): Promise<void> {
      queue.process<PublishJob>(JOB, runJob, { concurrency: 4 })
      await sweep()
      schedule()
    },
    async scheduled(postId: string, publishAt: number): Promise<void> {
      if (publishAt - clock.now() <= horizonMs) await enqueue(postId, publishAt)
    },
    sweep,
    async stop(): Promise<void> {
      isStopped = true
      clearTimeout(timer)
      await running
    },
  }
}
