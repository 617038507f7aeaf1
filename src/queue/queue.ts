import type { Logger } from '../logger.js'

/**
 * The Queue seam (DESIGN "Queue = in-process | BullMQ", STYLE rules 6 and 10): background jobs by
 * queue name, with retries, delays and id-based deduplication. One node runs the in-process
 * implementation; a cluster runs BullMQ over Redis (issue 7) behind this same interface, and both
 * pass `queue.contract.ts`.
 *
 * Guarantees every implementation gives:
 * - **At-least-once.** A job runs until a handler call resolves or its attempts are used up; a
 *   worker that dies mid-job (BullMQ: a stalled job) runs it again. Handlers MUST be idempotent:
 *   they claim their side effects in the database before doing them (push claims `push_delivery`).
 * - **Deduplication by `jobId`.** Adding a job while another job with the same id is waiting,
 *   delayed, running or awaiting a retry does nothing (`added: false`). Whether the id of a
 *   finished job is remembered (BullMQ keeps finished jobs for a while) is implementation-defined:
 *   callers must be correct either way.
 * - **Data is JSON.** A handler receives a fresh copy of the data that went through JSON, on every
 *   attempt; dates, maps and class instances do not survive.
 * - **Retries.** A handler that throws is retried until `attempts` is used up, waiting `backoff`
 *   (fixed, or exponential: delay × 2^(retry − 1)), or `RetryLaterError.delayMs` when it throws one
 *   (e.g. honouring a push service's Retry-After).
 * - **Bounded concurrency.** At most `concurrency` jobs of one name run at once on one node.
 * - **Graceful close.** `close()` stops starting jobs and resolves once running handlers have
 *   finished. Jobs not started stay queued in BullMQ; the in-process queue is not durable and drops
 *   them (callers that must not lose work keep a record to recover from, as push does).
 * - **Repeated jobs** (`repeat`): one run per interval for the whole deployment, not per node.
 * No ordering is promised between jobs.
 */
export interface Backoff {
  type: 'fixed' | 'exponential'
  /** Milliseconds before the first retry. */
  delay: number
}

export interface JobOptions {
  /** Deduplication key: see the interface notes. Defaults to a fresh id. */
  jobId?: string
  /** Milliseconds to wait before the first attempt. */
  delay?: number
  /** Total attempts including the first; default 1 (no retry). */
  attempts?: number
  /** Default: exponential from 1 s. */
  backoff?: Backoff
}

/** What a handler learns about the job it runs. */
export interface JobInfo {
  id: string
  name: string
  /** 1 on the first run, 2 on the first retry… */
  attempt: number
  /** Total attempts allowed; `attempt === attempts` is the last chance. */
  attempts: number
}

export type JobHandler<T> = (data: T, job: JobInfo) => Promise<void>

export interface ProcessOptions {
  /** Jobs of this name run at most this many at once on this node; default 1. */
  concurrency?: number
}

export interface AddResult {
  id: string
  /** False when a job with the same id was already pending (deduplicated). */
  added: boolean
}

export interface RepeatOptions {
  /** Milliseconds from one run's due time to the next's. */
  everyMs: number
}

/** What a repeated job's handler learns about the run. */
export interface RepeatRun {
  name: string
  /** When this run was due (ms since the epoch): one value per interval, on whichever node runs it. */
  dueAt: number
}

export type RepeatHandler = (run: RepeatRun) => Promise<unknown>

export interface Queue extends AsyncDisposable {
  /** Enqueues a job for the handler of `name` (which may be registered later). */
  add<T>(name: string, data: T, options?: JobOptions): Promise<AddResult>
  /** Registers the one handler of `name` on this node and starts taking its jobs. */
  process<T>(name: string, handler: JobHandler<T>, options?: ProcessOptions): void
  /**
   * Periodic work (media sweeps, push pruning, session expiry): runs `handler` once every
   * `everyMs` for the whole deployment. Every node registers the same repeated jobs at start; each
   * interval's run happens on one of them (BullMQ: one job scheduler per name, one job per
   * interval; in process: a timer). The first run is due at once when no node has scheduled the
   * name yet; a node that starts later joins the schedule rather than running it again.
   *
   * Runs of one name never overlap on a node: a run still going when the next is due delays that
   * one (BullMQ) or skips it (in process). A run that throws is logged at error and not retried: the next interval is its retry. Like
   * every job, a run may repeat when a node dies during it, so handlers must be idempotent. `close()`
   * waits for a running run and starts no more on this node; the schedule itself stays (in Redis)
   * for the other nodes. Registering a name twice on one node throws.
   */
  repeat(name: string, options: RepeatOptions, handler: RepeatHandler): Promise<void>
  /** Stops taking jobs and waits for running handlers to finish. Idempotent. */
  close(): Promise<void>
}

/** Thrown by a handler to be retried after `delayMs` instead of the job's backoff. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError'
  constructor(
    readonly delayMs: number,
    message = `retry in ${delayMs} ms`,
  ) {
    super(message)
  }
}

export class QueueClosedError extends Error {
  override name = 'QueueClosedError'
  constructor() {
    super('the queue is closed')
  }
}

/**
 * Runs one due run of a repeated job for either implementation: a failure is logged with the job's
 * name, never thrown, so the schedule goes on and the queue does not retry it.
 */
export async function runRepeated(
  handler: RepeatHandler,
  run: RepeatRun,
  logger: Pick<Logger, 'error' | 'debug'> | undefined,
): Promise<void> {
  const startedAt = Date.now()
  try {
    await handler(run)
    logger?.debug({ job: run.name, dueAt: run.dueAt, ms: Date.now() - startedAt }, 'periodic job ran')
  } catch (error) {
    logger?.error(
      { err: error, job: run.name, dueAt: run.dueAt },
      'periodic job failed; it runs again next interval',
    )
  }
}

export const defaultBackoff: Backoff = { type: 'exponential', delay: 1000 }

/** Milliseconds to wait before retry number `retry` (1 = the first retry). */
export function backoffDelay(backoff: Backoff, retry: number): number {
  return backoff.type === 'fixed' ? backoff.delay : backoff.delay * 2 ** (retry - 1)
}
