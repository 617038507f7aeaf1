import type { Db, DbOrTx } from '../db/database.js'
import { DomainError } from '../errors.js'
import type { Logger } from '../logger.js'

/** One item's outcome inside a batch: its value, or the error that refuses it alone. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

export interface GroupCommitOptions {
  /**
   * How long the first item of a batch waits for company (BACKLOT_INTERACTION_BATCH_MS). 0 keeps
   * the behaviour before issue 21: a batch is what arrives within one event-loop turn.
   */
  windowMs: number
  /** A batch is written at once when it reaches this many items. */
  maxBatch: number
}

/**
 * Group commit, shared by the interaction writers (reactions, views, votes, prompt answers): items
 * arriving within `windowMs` are written together — one statement or one transaction — and each
 * caller's promise settles only after that write committed, so an acknowledged change is never
 * lost by construction (nothing is held anywhere but in the caller's pending request).
 *
 * Why by hand: this is the point of Backlot's write path (issue 21) — a database round trip and a
 * commit per click is what capped PostgreSQL at ~1,400 reactions/s; no installed library batches
 * Kysely writes with per-item outcomes.
 *
 * `writeBatch` returns one outcome per item in order; if it throws (a SQL error fails the whole
 * statement), every item is retried alone with `writeOne`, so one bad item cannot fail the others.
 */
export interface GroupCommit<I, R> {
  submit(item: I): Promise<R>
}

export function createGroupCommit<I, R>(
  options: GroupCommitOptions,
  writeBatch: (items: I[]) => Promise<Outcome<R>[]>,
  writeOne: (item: I) => Promise<R>,
  logger: Logger,
): GroupCommit<I, R> {
  let queue: { item: I; resolve(value: R): void; reject(error: unknown): void }[] = []
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined

  function flush(): void {
    timer = undefined
    const batch = queue.slice(0, options.maxBatch)
    queue = queue.slice(batch.length)
    if (queue.length > 0) schedule()
    void write(batch) // never rejects: every outcome goes to the batch's callers
  }

  function schedule(): void {
    if (timer !== undefined) return
    timer = options.windowMs > 0 ? setTimeout(flush, options.windowMs) : setImmediate(flush)
  }

  async function write(batch: typeof queue): Promise<void> {
    try {
      const outcomes = await writeBatch(batch.map((p) => p.item))
      for (const [i, p] of batch.entries()) {
        const outcome = outcomes[i]!
        if (outcome.ok) p.resolve(outcome.value)
        else p.reject(outcome.error)
      }
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error)
        return
      }
      logger.debug({ err: error, items: batch.length }, 'interaction batch failed; writing items one by one')
      for (const p of batch) writeOne(p.item).then(p.resolve, p.reject)
    }
  }

  return {
    submit(item: I): Promise<R> {
      return new Promise((resolve, reject) => {
        queue.push({ item, resolve, reject })
        if (queue.length >= options.maxBatch) {
          if (timer !== undefined) {
            if (options.windowMs > 0) clearTimeout(timer as NodeJS.Timeout)
            else clearImmediate(timer as NodeJS.Immediate)
          }
          flush()
        } else schedule()
      })
    },
  }
}

/** A unit of work run inside a shared transaction; `key` orders the batch (row-lock order). */
export interface TransactionWork<R> {
  key: string
  run(tx: DbOrTx): Promise<R>
}

/**
 * Group commit for writes with rules that read before they write (votes: the poll's row lock, a
 * quiz's final answer). Each item keeps its own statements, but the items of one window share one
 * transaction and one commit (on PostgreSQL the commit's WAL flush is the dear part). Items run in
 * `key` order (stable, so one member's requests stay in arrival order) so that concurrent batches
 * take row locks in one order and cannot deadlock. A domain refusal (`fail`) refuses its item alone
 * — it is thrown before that item wrote anything; any other error fails the batch and every item
 * is retried in a transaction of its own. Window 0 runs each item alone (before issue 21).
 */
export function createTransactionBatch(db: Db, windowMs: number, logger: Logger) {
  const alone = <R>(work: TransactionWork<R>) => db.transaction().execute((tx) => work.run(tx))
  const commit = createGroupCommit<TransactionWork<unknown>, unknown>(
    { windowMs, maxBatch: 100 },
    (items) =>
      db.transaction().execute(async (tx) => {
        const order = items.map((work, index) => ({ work, index }))
        order.sort((a, b) => (a.work.key < b.work.key ? -1 : a.work.key > b.work.key ? 1 : a.index - b.index))
        const outcomes = new Array<Outcome<unknown>>(items.length)
        for (const { work, index } of order) {
          try {
            outcomes[index] = { ok: true, value: await work.run(tx) }
          } catch (error) {
            if (!(error instanceof DomainError)) throw error
            outcomes[index] = { ok: false, error }
          }
        }
        return outcomes
      }),
    alone,
    logger,
  )
  return <R>(work: TransactionWork<R>): Promise<R> =>
    windowMs > 0 ? (commit.submit(work) as Promise<R>) : alone(work)
}
