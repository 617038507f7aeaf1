import { Queue as BullQueue, type ConnectionOptions, type Job, Worker } from 'bullmq'
import type { RedisConfig } from '../config/config.js'
import type { Logger } from '../logger.js'
import { connectionName, reconnectDelayMs } from '../redis/redis-connection.js'
import { newId } from '../util/ids.js'
import {
  type AddResult,
  type Backoff,
  backoffDelay,
  defaultBackoff,
  type JobHandler,
  type JobOptions,
  type ProcessOptions,
  type Queue,
  QueueClosedError,
  type RepeatHandler,
  type RepeatOptions,
  RetryLaterError,
  runRepeated,
} from './queue.js'

/** What is stored in Redis per job: the caller's data and the job's own backoff (see `#strategy`). */
interface Envelope {
  d: unknown
  b: Backoff
}

/** BullMQ refuses ':' in queue names and job ids, and all-digit job ids: encode them reversibly. */
const encodeName = (name: string) => name.replace(/%/g, '%25').replace(/:/g, '%3A')
const decodeName = (name: string) => name.replace(/%3A/g, ':').replace(/%25/g, '%')
const encodeId = (id: string) => `j${encodeName(id)}`
const decodeId = (id: string) => decodeName(id.slice(1))
/** A job scheduler's jobs have the id `repeat:<scheduler id>:<due time in ms>`, one per interval. */
const dueAtOf = (job: Job) => Number(job.id!.slice(job.id!.lastIndexOf(':') + 1))

/**
 * The Queue seam over BullMQ and Redis, for clusters (`BACKLOT_REDIS_URL`; DESIGN "Queue = in-process |
 * BullMQ"). Jobs are durable in Redis: a job added on one node runs on whichever node has a handler
 * free, and a job whose node died mid-run is taken over when BullMQ finds it stalled (at-least-once;
 * handlers are idempotent, queue.ts). One BullMQ queue per job name, under the key prefix
 * `<BACKLOT_REDIS_PREFIX>bull`.
 *
 * - Deduplication: BullMQ ignores an add whose job id exists; to report `added: false` the adapter
 *   looks the id up first. Two nodes adding the same id at the same instant may both hear `true`,
 *   but only one job exists. Finished jobs are removed at once, so, as in process, a finished id can
 *   be used again.
 * - Backoff and `RetryLaterError`: each job carries its backoff, and one custom BullMQ strategy
 *   returns `RetryLaterError.delayMs` when the handler threw one, else the job's own backoff.
 * - Repeated jobs: a BullMQ job scheduler per name, upserted by every node. The schedule lives in
 *   Redis: the scheduler makes one job per interval with an id of its due time, so however many
 *   nodes register it, each interval runs once, on one node. Upserting an existing schedule keeps
 *   its next due time, so a node's start does not add a run.
 */
export class BullMqQueue implements Queue {
  readonly #queues = new Map<string, BullQueue>()
  readonly #workers = new Map<string, Worker>()
  readonly #connection: ConnectionOptions
  readonly #prefix: string
  #closed = false
  #closing: Promise<void> | undefined

  constructor(
    settings: RedisConfig,
    private readonly logger: Logger,
  ) {
    const url = new URL(settings.url)
    this.#connection = {
      host: url.hostname,
      port: Number(url.port || 6379),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      connectionName: connectionName(settings.prefix, 'queue'),
      retryStrategy: reconnectDelayMs,
      // Required by BullMQ workers: their blocking commands must wait through reconnects.
      maxRetriesPerRequest: null,
    }
    this.#prefix = `${settings.prefix}bull`
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<AddResult> {
    if (this.#closed) throw new QueueClosedError()
    const id = options.jobId ?? newId()
    const queue = this.#queue(name)
    const state = await queue.getJobState(encodeId(id))
    if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return { id, added: false }
    const envelope: Envelope = {
      d: JSON.parse(JSON.stringify(data ?? null)),
      b: options.backoff ?? defaultBackoff,
    }
    await queue.add(encodeName(name), envelope, {
      jobId: encodeId(id),
      delay: options.delay ?? 0,
      attempts: Math.max(1, options.attempts ?? 1),
      backoff: { type: 'backlot' },
      removeOnComplete: true,
      removeOnFail: true,
    })
    return { id, added: true }
  }

  process<T>(name: string, handler: JobHandler<T>, options: ProcessOptions = {}): void {
    this.#startWorker(name, options.concurrency ?? 1, async (job) => {
      await handler(job.data.d as T, {
        id: decodeId(job.id!),
        name,
        attempt: job.attemptsMade + 1,
        attempts: job.opts.attempts ?? 1,
      })
    })
  }

  async repeat(name: string, options: RepeatOptions, handler: RepeatHandler): Promise<void> {
    if (this.#closed) throw new QueueClosedError()
    if (this.#workers.has(name)) throw new Error(`queue "${name}" already has a handler`)
    const template: Envelope = { d: null, b: defaultBackoff }
    await this.#queue(name).upsertJobScheduler(
      encodeName(name),
      { every: options.everyMs },
      {
        name: encodeName(name),
        data: template,
        opts: { attempts: 1, removeOnComplete: true, removeOnFail: true },
      },
    )
    // One at a time on this node; a run due while another runs waits in Redis (or goes to another node).
    this.#startWorker(name, 1, (job) => runRepeated(handler, { name, dueAt: dueAtOf(job) }, this.logger))
  }

  #startWorker(name: string, concurrency: number, run: (job: Job<Envelope>) => Promise<void>): void {
    if (this.#closed) throw new QueueClosedError()
    if (this.#workers.has(name)) throw new Error(`queue "${name}" already has a handler`)
    const worker = new Worker(encodeName(name), run, {
      connection: this.#connection,
      prefix: this.#prefix,
      concurrency: Math.max(1, concurrency),
      settings: {
        backoffStrategy: (attemptsMade, _type, error, job) => this.#strategy(attemptsMade, error, job),
      },
    })
    worker.on('failed', (job, error) => {
      const isFinal = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1)
      if (isFinal) this.logger.warn({ err: error, queue: name, jobId: job.id }, 'job failed for good')
    })
    worker.on('error', (error) => this.logger.warn({ err: error, queue: name }, 'queue worker error'))
    this.#workers.set(name, worker)
  }

  /** Stops taking jobs, waits for running handlers, closes the connections. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true
      await Promise.all([...this.#workers.values()].map((w) => w.close()))
      await Promise.all([...this.#queues.values()].map((q) => q.close()))
    })()
    return this.#closing
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #queue(name: string): BullQueue {
    let queue = this.#queues.get(name)
    if (!queue) {
      queue = new BullQueue(encodeName(name), { connection: this.#connection, prefix: this.#prefix })
      queue.on('error', (error) => this.logger.warn({ err: error, queue: name }, 'queue error'))
      this.#queues.set(name, queue)
    }
    return queue
  }

  #strategy(attemptsMade: number, error: Error | undefined, job: { data: unknown } | undefined): number {
    if (error instanceof RetryLaterError) return error.delayMs
    const backoff = (job?.data as Envelope | undefined)?.b ?? defaultBackoff
    return backoffDelay(backoff, attemptsMade)
  }
}
