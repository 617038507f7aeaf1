import type { Db, DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { Logger } from '../logger.js'
import { createGroupCommit } from './group-commit.js'
import { deleteReaction, deleteReactions, upsertReaction, upsertReactions } from './store.js'

export interface ReactionRow {
  post_id: string
  account_id: string
  emoji: string
  created_at: number
}

/** Rows per statement: 4 parameters each stays far below SQLite's and PostgreSQL's limits. */
const MAX_BATCH = 250

/** A reaction change: set `emoji`, or (emoji null) remove the member's reaction. */
export type ReactionChange = Omit<ReactionRow, 'emoji'> & { emoji: string | null }

/**
 * Group commit for reactions, the area's hottest write (thousands a second on one post). Changes
 * arriving within the batch window (group-commit.ts) are written together: one multi-row upsert
 * (and one multi-row delete for removals) per "round" — a single autocommitted statement when one
 * round holds the whole batch, a transaction otherwise — instead of a statement and a commit (a
 * WAL write, or a PostgreSQL fsync) per click. Each caller still learns whether its own change
 * changed anything, after the commit.
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
  /** Removes the member's reaction; resolves with whether there was one, once committed. */
  remove(postId: string, accountId: string): Promise<boolean>
}

export function createReactionWriter(db: Db, logger: Logger, windowMs = 0): ReactionWriter {
  const commit = createGroupCommit<ReactionChange, boolean>(
    { windowMs, maxBatch: MAX_BATCH },
    async (changes) => {
      const changed = await writeChanges(db, changes, windowMs === 0)
      return changed.map((value) => ({ ok: true, value }))
    },
    (change) =>
      change.emoji === null
        ? deleteReaction(db, change.post_id, change.account_id)
        : upsertReaction(db, { ...change, emoji: change.emoji }),
    logger,
  )
  return {
    set: (row) => commit.submit(row),
    remove: (postId, accountId) =>
      commit.submit({ post_id: postId, account_id: accountId, emoji: null, created_at: 0 }),
  }
}

const keyOf = (row: { post_id: string; account_id: string }) => `${row.post_id} ${row.account_id}`

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

/** The changes split into rounds of distinct (post, member) keys, in arrival order. */
function roundsOf(changes: readonly ReactionChange[]) {
  const rounds: { change: ReactionChange; index: number }[][] = []
  const roundOfKey = new Map<string, number>()
  for (const [index, change] of changes.entries()) {
    const key = keyOf(change)
    const round = (roundOfKey.get(key) ?? -1) + 1
    roundOfKey.set(key, round)
    rounds[round] ??= []
    rounds[round].push({ change, index })
  }
  for (const round of rounds) round.sort((a, b) => (keyOf(a.change) < keyOf(b.change) ? -1 : 1))
  return rounds
}

/**
 * Writes the changes; returns, per change, whether it changed the stored reaction. One statement
 * needs no transaction (it commits by itself: one round trip instead of BEGIN, write, COMMIT).
 */
async function writeChanges(
  db: Db,
  changes: readonly ReactionChange[],
  /** Window 0 is the path before issue 21, kept as it was for the benchmark's comparison. */
  alwaysTransaction: boolean,
): Promise<boolean[]> {
  const rounds = roundsOf(changes)
  const statements = rounds.reduce(
    (n, round) =>
      n +
      (round.some((r) => r.change.emoji !== null) ? 1 : 0) +
      (round.some((r) => r.change.emoji === null) ? 1 : 0),
    0,
  )
  const changed = new Array<boolean>(changes.length).fill(false)
  const run = async (tx: DbOrTx) => {
    for (const round of rounds) await writeRound(tx, round, changed)
  }
  if (statements === 1 && !alwaysTransaction) await run(db)
  else await db.transaction().execute(run)
  return changed
}

async function writeRound(
  tx: DbOrTx,
  round: { change: ReactionChange; index: number }[],
  changed: boolean[],
): Promise<void> {
  const sets = round.filter((r) => r.change.emoji !== null)
  const removals = round.filter((r) => r.change.emoji === null)
  if (sets.length > 0) {
    const { rows: written } = await upsertOf(sets.length)(
      tx,
      ...sets.flatMap((item) => rowValues({ ...item.change, emoji: item.change.emoji! })),
    )
    const changedKeys = new Set(written.map((r) => keyOf(r)))
    for (const item of sets) changed[item.index] = changedKeys.has(keyOf(item.change))
  }
  if (removals.length > 0) {
    const removed = await deleteReactions(
      tx,
      removals.map((r) => r.change),
    )
    const removedKeys = new Set(removed.map((r) => keyOf(r)))
    for (const item of removals) changed[item.index] = removedKeys.has(keyOf(item.change))
  }
}
