import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from '@fedify/fedify'
import type { Queue } from '../../queue/queue.js'

/**
 * Fedify's MessageQueue on Backlot's Queue seam (src/queue): the in-process queue on one node,
 * BullMQ over Redis in a cluster — so in cluster mode a queued delivery is in Redis and survives a
 * restart, and runs on whichever node takes it.
 *
 * `nativeRetrial` is false: Fedify owns retries (its `outboxRetryPolicy`, exponential backoff, a
 * remote's Retry-After honoured) by enqueueing the message again with a delay, which this seam
 * carries. So each seam job has one attempt; a node dying mid-job makes BullMQ run it again
 * (at-least-once), and Fedify's inbox idempotence keeps an activity from being applied twice.
 *
 * One instance per Fedify queue role (inbox, outbox, fanout), each on its own job name, because the
 * seam takes one handler per name and node and because deliveries and inbox work want different
 * concurrency. `wrap` runs around every message (the guarded-fetch scope, guarded-fetch.ts).
 */
export class SeamMessageQueue implements MessageQueue {
  readonly nativeRetrial = false
  #listening = false

  constructor(
    private readonly queue: Queue,
    readonly jobName: string,
    private readonly options: {
      concurrency: number
      wrap?: <T>(work: () => Promise<T>) => Promise<T>
    },
  ) {}

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.queue.add(this.jobName, message, { delay: delayMs(options), attempts: 1 })
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    await Promise.all(messages.map((message) => this.enqueue(message, options)))
  }

  /** Takes this role's jobs on this node until `signal` aborts (then resolves; never rejects). */
  listen(
    handler: (message: unknown) => Promise<void> | void,
    options?: MessageQueueListenOptions,
  ): Promise<void> {
    if (this.#listening) throw new Error(`${this.jobName}: already listening on this node`)
    this.#listening = true
    const wrap = this.options.wrap ?? ((work) => work())
    this.queue.process<unknown>(this.jobName, (message) => wrap(async () => handler(message)), {
      concurrency: this.options.concurrency,
    })
    // The seam has no per-name stop: an abort ends the wait; the queue's close() stops the jobs.
    return new Promise((resolve) => {
      if (options?.signal?.aborted) return resolve()
      options?.signal?.addEventListener('abort', () => resolve(), { once: true })
    })
  }
}

function delayMs(options: MessageQueueEnqueueOptions | undefined): number | undefined {
  if (!options?.delay) return undefined
  const ms = Math.round(options.delay.total({ unit: 'millisecond' }))
  return ms > 0 ? ms : undefined
}
