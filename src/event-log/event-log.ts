import { sql } from 'kysely'
import type { Bus } from '../bus/bus.js'
import { type Db, type DbOrTx, isPostgres } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { Clock } from '../util/clock.js'
import { newId } from '../util/ids.js'
import { encodeEventFrame } from './frames.js'
import { supersedeEarlierEvents } from './redaction.js'
import { readEvents } from './store.js'

/**
 * The channel event log (DESIGN "Channel event log", rules 1–3). Every visible change appends an
 * event in the same transaction as the change; the sequence comes from `channel.last_seq`, bumped
 * by an UPDATE that locks the channel row (PostgreSQL) or runs under SQLite's single writer, so
 * sequences have no gaps and no duplicates under concurrent writers. Events are published to the
 * bus only after the transaction commits. Appending a post's edit or deletion rewrites that post's
 * earlier events in the same transaction, so a replay carries only what the channel shows now
 * (redaction.ts).
 */
export interface AppendInput {
  channelId: string
  channelSlug: string
  type: string
  postId?: string | null
  data: unknown
  /**
   * An edit that changes nothing the author wrote (a link preview arrived or was removed): live
   * clients get it, but it is no reason to notify anyone again. Seen only by this node's
   * committed listeners (push), never stored or sent.
   */
  isQuiet?: boolean
}

export interface LoggedEvent {
  channelId: string
  channelSlug: string
  seq: number
  id: string
  type: string
  at: number
  /** The client frame, encoded once; every subscriber on every node receives these same bytes. */
  frame: string
  /** The post the event is about; set on events this node appended (not on events read back). */
  postId?: string | null
  /** See AppendInput.isQuiet; set on events this node appended. */
  isQuiet?: boolean
}

/**
 * Runs after a transaction's events were committed and published, on the node that wrote them
 * only — so exactly one node reacts to each change (push enqueues its fan-out here). Listeners
 * handle their own errors; one that throws is logged and does not fail the writer's request.
 */
export type CommittedListener = (events: readonly LoggedEvent[]) => Promise<void>

export type Append = (input: AppendInput) => Promise<LoggedEvent>

export function channelTopic(channelId: string): string {
  return `channel:${channelId}`
}

/**
 * Topic of channel positions: `"<channelId> <seq>"` once per channel after each committed batch of
 * its events, so every process that keeps something keyed by a channel's position (the hot-read
 * cache, channels/hot-channels.ts) learns of a new one without following each channel's topic. At
 * most once like every bus message: listeners bound how long they trust what they hold.
 */
export const positionsTopic = 'channel-positions'

/** Topic of access changes (ban, leave, role removal): every node ends the affected subscriptions. */
export const accessTopic = 'access'

export interface AccessChange {
  channelId: string
  /** The account that lost access; null when the change concerns everyone (see `reason`). */
  accountId: string | null
  /**
   * 'channel-private': the channel became private — every node re-checks its subscribers and ends
   * the streams of those who are not members (anonymous visitors included). 'channel-suspended': a
   * server operator suspended the channel (issue 17) — every stream of it ends, as on deletion.
   */
  reason: 'banned' | 'left' | 'removed' | 'channel-deleted' | 'channel-private' | 'channel-suspended'
}

export interface EventLogDeps {
  db: Db
  bus: Bus
  clock: Clock
  epoch: string
  metrics: Metrics
  logger?: Logger
}

interface EventRow {
  channelId: string
  id: string
  type: string
  postId: string | null
  data: string
  at: number
}

/**
 * Takes the channel's next sequence and inserts the event; returns the sequence. On PostgreSQL the
 * UPDATE locks the channel row until the transaction ends, so every round trip after it holds up
 * the channel's other writers: there the bump and the insert go as one statement (a data-modifying
 * CTE), leaving only the COMMIT's round trip under the lock. SQLite has one writer and no such CTE.
 */
async function appendRow(tx: DbOrTx, row: EventRow): Promise<number> {
  if (isPostgres(tx)) {
    const { rows } = await sql<{ seq: number }>`
      with next as (
        update channel set last_seq = last_seq + 1 where id = ${row.channelId} returning last_seq
      )
      insert into channel_event (channel_id, seq, id, type, post_id, data, created_at)
      select ${row.channelId}::text, last_seq, ${row.id}::text, ${row.type}::text, ${row.postId}::text,
        ${row.data}::text, ${row.at}::bigint
      from next
      returning seq`.execute(tx)
    if (rows.length === 0) throw new Error(`no channel ${row.channelId} to append to`)
    return rows[0]!.seq
  }
  const [bumped] = (await bumpSeq(tx, row.channelId)).rows
  if (!bumped) throw new Error(`no channel ${row.channelId} to append to`)
  await insertEvent(tx, row.channelId, bumped.last_seq, row.id, row.type, row.postId, row.data, row.at)
  return bumped.last_seq
}

// SQLite's two statements, compiled once (db/prepared.ts): they run for every event.
const bumpSeq = preparedQuery((db: DbOrTx, channelId: string) =>
  db
    .updateTable('channel')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', channelId)
    .returning('last_seq'),
)

const insertEvent = preparedQuery(
  (
    db: DbOrTx,
    channelId: string,
    seq: number,
    id: string,
    type: string,
    postId: string | null,
    data: string,
    at: number,
  ) =>
    db.insertInto('channel_event').values({
      channel_id: channelId,
      seq,
      id,
      type,
      post_id: postId,
      data,
      created_at: at,
    }),
)

export interface EventLog {
  /**
   * The history this log's positions belong to: (epoch, seq); a restore changes it
   * (backup/restore-guard.ts).
   */
  readonly epoch: string
  /**
   * Appends an event in `tx` with the channel's next sequence (an edit or deletion redacts the
   * post's earlier events); publish it after commit.
   */
  append(tx: DbOrTx, input: AppendInput): Promise<LoggedEvent>
  /**
   * Publishes committed events, in order, to the bus, then to the committed listeners. Never call
   * with events of an uncommitted transaction.
   */
  publish(events: LoggedEvent[]): Promise<void>
  /**
   * Runs `work` in a transaction with an `append` bound to it, then publishes what it appended once
   * committed (DESIGN rule 3).
   */
  transact<T>(work: (tx: DbOrTx, append: Append) => Promise<T>): Promise<T>
  /**
   * Tells every node that an account (or everyone) lost access to a channel: their streams of it
   * end. Call after commit.
   */
  publishAccessChange(change: AccessChange): Promise<void>
  /**
   * Tells every node that the channel's row changed without an event (an operator suspended,
   * restored, hid or showed it): copies of the row kept for anonymous readers are dropped
   * (channels/hot-channels.ts). Call after commit.
   */
  announceChannelChange(channelId: string): Promise<void>
  /** Adds a CommittedListener; returns its removal. */
  onCommitted(listener: CommittedListener): () => void
  /** Events of a channel after `afterSeq`, oldest first, at most `limit`. */
  read(channelId: string, afterSeq: number, limit: number): Promise<LoggedEvent[]>
}

export function createEventLog({ db, bus, clock, epoch, metrics, logger }: EventLogDeps): EventLog {
  const committedListeners = new Set<CommittedListener>()

  async function append(tx: DbOrTx, input: AppendInput): Promise<LoggedEvent> {
    const id = newId()
    const at = clock.now()
    const data = JSON.stringify(input.data ?? {})
    const postId = input.postId ?? null
    // An edit or a deletion leaves no earlier version of the post replayable (redaction.ts).
    await supersedeEarlierEvents(tx, { channelId: input.channelId, type: input.type, postId, data })
    const seq = await appendRow(tx, {
      channelId: input.channelId,
      id,
      type: input.type,
      postId,
      data,
      at,
    })
    const frame = encodeEventFrame({ channel: input.channelSlug, epoch, seq, id, type: input.type, at, data })
    return {
      channelId: input.channelId,
      channelSlug: input.channelSlug,
      seq,
      id,
      type: input.type,
      at,
      frame,
      postId,
      ...(input.isQuiet && { isQuiet: true }),
    }
  }

  async function publish(events: LoggedEvent[]): Promise<void> {
    for (const event of events) {
      metrics.eventsPublished.inc({ type: event.type })
      await bus.publish(channelTopic(event.channelId), `${event.seq} ${event.at} ${event.frame}`)
    }
    if (events.length === 0) return
    await publishPositions(events)
    for (const listener of committedListeners) {
      try {
        await listener(events)
      } catch (error) {
        logger?.error({ err: error, events: events.map((e) => e.id) }, 'committed-event listener failed')
      }
    }
  }

  /** The last position of each channel in `events` (events of one channel are in order). */
  async function publishPositions(events: readonly LoggedEvent[]): Promise<void> {
    const last = new Map<string, number>()
    for (const event of events) last.set(event.channelId, Math.max(last.get(event.channelId) ?? 0, event.seq))
    try {
      for (const [channelId, seq] of last) await bus.publish(positionsTopic, `${channelId} ${seq}`)
    } catch (error) {
      // A hint only: whoever listens re-reads within its own bound (hot-channels.ts: one second).
      logger?.warn({ err: error }, 'channel position not published')
    }
  }

  async function transact<T>(work: (tx: DbOrTx, append: Append) => Promise<T>): Promise<T> {
    const events: LoggedEvent[] = []
    const result = await db.transaction().execute((tx) =>
      work(tx, async (input) => {
        const event = await append(tx, input)
        events.push(event)
        return event
      }),
    )
    await publish(events)
    return result
  }

  async function publishAccessChange(change: AccessChange): Promise<void> {
    await bus.publish(accessTopic, JSON.stringify(change))
  }

  return {
    epoch,
    append,
    publish,
    transact,
    publishAccessChange,
    async announceChannelChange(channelId: string): Promise<void> {
      // A position message without a position: "drop whatever you hold" (hot-channels.ts).
      await bus.publish(positionsTopic, channelId)
    },
    onCommitted(listener: CommittedListener): () => void {
      committedListeners.add(listener)
      return () => committedListeners.delete(listener)
    },
    read: (channelId, afterSeq, limit) => readEvents(db, channelId, afterSeq, limit, epoch),
  }
}

export async function readStreamEpoch(db: Db): Promise<string> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'stream_epoch')
    .executeTakeFirstOrThrow()
  return row.value
}
