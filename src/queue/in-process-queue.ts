import type { Logger } from '../logger.js'
import { newId } from '../util/ids.js'
import {
  type AddResult,
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

interface Job {
  id: string
  name: string
  /** The data as JSON: each attempt parses a fresh copy (the same as a queue over Redis). */
  json: string
  attemptsMade: number
  options: Required<Pick<JobOptions, 'attempts' | 'backoff'>>
}

interface Lane {
  handler: JobHandler<unknown> | null
  concurrency: number
  running: number
  waiting: Job[]
}

/**
 * The embedded Queue (see queue.ts for the contract): jobs live in this process's memory, timers
 * hold delays and retries. Not durable — a restart loses jobs that had not finished — which is why
 * callers that must not lose work (push fan-out) keep their own record to recover from at start.
 */
export class InProcessQueue implements Queue {
  readonly #lanes = new Map<string, Lane>()
  /** Jobs by id from `add` until they finish for good: the deduplication set. */
  readonly #pending = new Map<string, Job>()
  readonly #timers = new Set<NodeJS.Timeout>()
  /** The timers of repeated jobs (`repeat`). */
  readonly #repeats = new Set<NodeJS.Timeout>()
  readonly #running = new Set<Promise<void>>()
  readonly #logger: Logger | undefined
  #closed = false
  #closing: Promise<void> | undefined

  constructor(options: { logger?: Logger } = {}) {
    this.#logger = options.logger
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<AddResult> {
    if (this.#closed) throw new QueueClosedError()
    const id = options.jobId ?? newId()
    if (this.#pending.has(id)) return { id, added: false }
    const job: Job = {
      id,
      name,
      json: JSON.stringify(data ?? null),
      attemptsMade: 0,
      options: {
        attempts: Math.max(1, options.attempts ?? 1),
        backoff: options.backoff ?? defaultBackoff,
      },
    }
    this.#pending.set(id, job)
    this.#schedule(job, options.delay ?? 0)
    return { id, added: true }
  }

  process<T>(name: string, handler: JobHandler<T>, options: ProcessOptions = {}): void {
    const lane = this.#lane(name)
    if (lane.handler) throw new Error(`queue "${name}" already has a handler`)
    lane.handler = handler as JobHandler<unknown>
    lane.concurrency = Math.max(1, options.concurrency ?? 1)
    this.#pump(lane)
  }

  /**
   * One node is the whole deployment here, so the schedule is a timer: a run now, then one every
   * `everyMs`. Each run is a job with the one id `repeat:<name>`, so a tick while the last run is
   * still queued or running is dropped (runs never overlap) and `close()` waits for a running one.
   */
  async repeat(name: string, options: RepeatOptions, handler: RepeatHandler): Promise<void> {
    if (this.#closed) throw new QueueClosedError()
    this.process<{ dueAt: number }>(name, ({ dueAt }) => runRepeated(handler, { name, dueAt }, this.#logger))
    const tick = () => {
      this.add(name, { dueAt: Date.now() }, { jobId: `repeat:${name}` }).catch((error: unknown) => {
        this.#logger?.error({ err: error, job: name }, 'periodic job not queued')
      })
    }
    // Unref'd: a pending sweep must not keep a stopping process alive.
    const timer = setInterval(tick, options.everyMs).unref()
    this.#repeats.add(timer)
    tick()
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true
      for (const timer of this.#repeats) clearInterval(timer)
      this.#repeats.clear()
      for (const timer of this.#timers) clearTimeout(timer)
      this.#timers.clear()
      for (const lane of this.#lanes.values()) lane.waiting.length = 0
      while (this.#running.size > 0) await Promise.allSettled([...this.#running])
      this.#pending.clear()
    })()
    return this.#closing
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #lane(name: string): Lane {
    let lane = this.#lanes.get(name)
    if (!lane) {
      lane = { handler: null, concurrency: 1, running: 0, waiting: [] }
      this.#lanes.set(name, lane)
    }
    return lane
  }

  #schedule(job: Job, delay: number): void {
    if (delay <= 0) {
      this.#enqueue(job)
      return
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      this.#enqueue(job)
    }, delay)
    this.#timers.add(timer)
  }

  #enqueue(job: Job): void {
    if (this.#closed) return
    const lane = this.#lane(job.name)
    lane.waiting.push(job)
    this.#pump(lane)
  }

  #pump(lane: Lane): void {
    while (!this.#closed && lane.handler && lane.running < lane.concurrency && lane.waiting.length > 0) {
      const job = lane.waiting.shift()!
      lane.running++
      const run = this.#run(lane.handler, job).finally(() => {
        lane.running--
        this.#running.delete(run)
        this.#pump(lane)
      })
      this.#running.add(run)
    }
  }

  async #run(handler: JobHandler<unknown>, job: Job): Promise<void> {
    job.attemptsMade++
    const info = { id: job.id, name: job.name, attempt: job.attemptsMade, attempts: job.options.attempts }
    try {
      await handler(JSON.parse(job.json), info)
      this.#pending.delete(job.id)
    } catch (error) {
      this.#retryOrDrop(job, error)
    }
  }

  #retryOrDrop(job: Job, error: unknown): void {
    const context = { queue: job.name, jobId: job.id, attempt: job.attemptsMade, err: error }
    if (this.#closed || job.attemptsMade >= job.options.attempts) {
      this.#pending.delete(job.id)
      this.#logger?.error(context, 'job failed for good')
      return
    }
    const delay =
      error instanceof RetryLaterError ? error.delayMs : backoffDelay(job.options.backoff, job.attemptsMade)
    this.#logger?.warn({ ...context, retryInMs: delay }, 'job failed; will retry')
    this.#schedule(job, delay)
  }
}
