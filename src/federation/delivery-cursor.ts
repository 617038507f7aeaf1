import type { Db } from '../db/database.js'

/**
 * The record federation delivery recovers from (DESIGN rule 5; the in-process queue is not durable
 * and a node may die between a post's commit and the enqueue). `federation_cursor` holds per channel
 * the event-log sequence through which every delivery job is known to be enqueued. Per channel,
 * because sequences are gap-free and commit in order only within a channel (the channel row lock),
 * so "everything up to seq N" is a sound claim there and nowhere else.
 *
 * Written by hand rather than as an outbox table: one row per channel, one UPDATE per committed
 * batch that federates, and replay reads only the events after it.
 */
export const DELIVERED_TYPES = ['post.published', 'post.edited', 'post.deleted', 'poll.closed'] as const

export interface BehindChannel {
  channelId: string
  cursor: number
}

export interface PendingEvent {
  seq: number
  id: string
  type: string
  postId: string | null
  createdAt: number
}

async function readCursor(db: Db, channelId: string): Promise<number | null> {
  const row = await db
    .selectFrom('federation_cursor')
    .select('seq')
    .where('channel_id', '=', channelId)
    .executeTakeFirst()
  return row ? Number(row.seq) : null
}

/**
 * Moves the cursor from `from` to `to` if nobody moved it meanwhile (compare-and-set: two nodes
 * recovering at once advance it once). A channel without a row (created after the migration) is at 0.
 */
export async function moveCursor(db: Db, channelId: string, from: number, to: number): Promise<boolean> {
  if (to <= from) return false
  const current = await readCursor(db, channelId)
  if (current === null) {
    if (from !== 0) return false
    const inserted = await db
      .insertInto('federation_cursor')
      .values({ channel_id: channelId, seq: to })
      .onConflict((oc) => oc.column('channel_id').doNothing())
      .executeTakeFirst()
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0
  }
  if (current !== from) return false
  const updated = await db
    .updateTable('federation_cursor')
    .set({ seq: to })
    .where('channel_id', '=', channelId)
    .where('seq', '=', from)
    .executeTakeFirst()
  return Number(updated.numUpdatedRows) > 0
}

/**
 * After the committed listener enqueued the jobs of events `first..last` of a channel: the cursor
 * jumps to `last` only when no delivered-type event lies between it and `first` (one another node
 * has not recorded yet, or one a crash lost); otherwise it stays, and recovery replays from it —
 * re-enqueueing these events too, which costs a duplicate activity that receivers drop by its id.
 */
export async function advanceAfterEnqueue(
  db: Db,
  channelId: string,
  first: number,
  last: number,
): Promise<boolean> {
  const cursor = (await readCursor(db, channelId)) ?? 0
  if (cursor >= last) return false
  if (cursor < first - 1) {
    const between = await db
      .selectFrom('channel_event')
      .select('seq')
      .where('channel_id', '=', channelId)
      .where('seq', '>', cursor)
      .where('seq', '<', first)
      .where('type', 'in', DELIVERED_TYPES)
      .limit(1)
      .executeTakeFirst()
    if (between) return false
  }
  return moveCursor(db, channelId, cursor, last)
}

/** Channels whose log has moved past their cursor, a page at a time. */
export async function channelsBehind(db: Db, limit: number): Promise<BehindChannel[]> {
  const rows = await db
    .selectFrom('channel')
    .leftJoin('federation_cursor', 'federation_cursor.channel_id', 'channel.id')
    .select(['channel.id as channelId', 'federation_cursor.seq as cursor'])
    .where((eb) => eb('channel.last_seq', '>', eb.fn.coalesce('federation_cursor.seq', eb.lit(0))))
    .orderBy('channel.id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ channelId: r.channelId, cursor: Number(r.cursor ?? 0) }))
}

/** A channel's events after the cursor, in order, at most `limit`. */
export async function eventsAfter(
  db: Db,
  channelId: string,
  cursor: number,
  limit: number,
): Promise<PendingEvent[]> {
  const rows = await db
    .selectFrom('channel_event')
    .select(['seq', 'id', 'type', 'post_id', 'created_at'])
    .where('channel_id', '=', channelId)
    .where('seq', '>', cursor)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    seq: Number(r.seq),
    id: r.id,
    type: r.type,
    postId: r.post_id,
    createdAt: Number(r.created_at),
  }))
}
