import type { Db, DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { Logger } from '../logger.js'
import { upsertReaction, upsertReactions } from './store.js'

export interface ReactionRow {
  post_id: string
  account_id: string
  emoji: string
  created_at: number
}

interface Pending {
  row: ReactionRow
  resolve(changed: boolean): void
  reject(error: unknown): void
}

/** Rows per statement: 4 parameters each stays far below SQLite's and PostgreSQL's limits. */
const MAX_BATCH = 250

/**
 * Group commit for reactions, the area's hottest write (thousands a second on one post). Reactions
 * arriving within one event-loop turn are written together: one transaction, one multi-row upsert
 * per "round", one commit — instead of a statement and a commit (a WAL write, or a PostgreSQL
 * fsync) per click. Each caller still learns whether its own reaction changed anything.
 *
 * - Rows of one statement are distinct (post, member) pairs: a member's second request in the same
 *   batch goes into the next round, so requests of one member apply in arrival order.
 * - Rows are sorted by key, so concurrent batches on PostgreSQL take row locks in one order and
 *   cannot deadlock (later rounds only touch keys the first round already locked).
 * - If the batch fails (one row's post was deleted for good, say), each row is retried alone so
 *   one bad row cannot fail the others.
 */
export interface ReactionWriter {
  /** Sets the member's reaction; resolves with whether it changed, once committed. */
  set(row: ReactionRow): Promise<boolean>
}

export function createReactionWriter(db: Db, logger: Logger): ReactionWriter {
  const queue: Pending[] = []
  let isScheduled = false

  function flush(): void {
    isScheduled = false
    const batch = queue.splice(0, MAX_BATCH)
    if (queue.length > 0) schedule()
    void write(batch) // never rejects: every outcome goes to the batch's callers
  }

  function schedule(): void {
    if (isScheduled) return
    isScheduled = true
    setImmediate(flush)
  }

  async function write(batch: Pending[]): Promise<void> {
    try {
      const changed = await db.transaction().execute((tx) =>
        writeRounds(
          tx,
          batch.map((p) => p.row),
        ),
      )
      for (const [i, p] of batch.entries()) p.resolve(changed[i]!)
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error)
        return
      }
      logger.debug({ err: error, rows: batch.length }, 'reaction batch failed; writing rows one by one')
      for (const p of batch) upsertReaction(db, p.row).then(p.resolve, p.reject)
    }
  }

  return {
    set(row: ReactionRow): Promise<boolean> {
      return new Promise((resolve, reject) => {
        queue.push({ row, resolve, reject })
        schedule()
      })
    },
  }
}

const keyOf = (row: ReactionRow) => `${row.post_id} ${row.account_id}`

type RowValues = [post_id: string, account_id: string, emoji: string, created_at: number]
const rowValues = (row: ReactionRow): RowValues => [row.post_id, row.account_id, row.emoji, row.created_at]

/**
 * The upsert of `size` rows, compiled once per size (src/db/prepared.ts): building and compiling
 * it on every batch cost more than the write itself. At most MAX_BATCH sizes, a few KB each.
 */
const upsertBySize: ReturnType<typeof preparedUpsert>[] = []
function preparedUpsert(size: number) {
  return preparedQuery((tx: DbOrTx, ...values: (string | number)[]) => {
    const rows = Array.from({ length: size }, (_, i) => {
      const [post_id, account_id, emoji, created_at] = values.slice(i * 4, i * 4 + 4) as RowValues
      return { post_id, account_id, emoji, created_at }
    })
    return upsertReactions(tx, rows)
  })
}
const upsertOf = (size: number) => {
  upsertBySize[size] ??= preparedUpsert(size)
  return upsertBySize[size]
}

/** Writes the rows in rounds of distinct keys; returns, per row, whether it changed the stored reaction. */
async function writeRounds(tx: DbOrTx, rows: ReactionRow[]): Promise<boolean[]> {
  const changed = new Array<boolean>(rows.length).fill(false)
  let remaining = rows.map((row, index) => ({ row, index }))
  while (remaining.length > 0) {
    const seen = new Set<string>()
    const round: typeof remaining = []
    const later: typeof remaining = []
    for (const item of remaining) {
      const key = keyOf(item.row)
      if (seen.has(key)) later.push(item)
      else {
        seen.add(key)
        round.push(item)
      }
    }
    round.sort((a, b) => (keyOf(a.row) < keyOf(b.row) ? -1 : 1))
    const { rows: written } = await upsertOf(round.length)(
      tx,
      ...round.flatMap((item) => rowValues(item.row)),
    )
    const changedKeys = new Set(written.map((r) => `${r.post_id} ${r.account_id}`))
    for (const item of round) changed[item.index] = changedKeys.has(keyOf(item.row))
    remaining = later
  }
  return changed
}
