import type { DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { NotifyLevel, PushDeliveryStatus, PushFanoutReason } from '../db/schema.js'
import type { Device } from './sender.js'

/** Fan-out records, delivery claims and device selection for push batches (plain queries). */

/** Who a notification run is for. */
export interface Audience {
  postId: string
  channelId: string
  authorId: string
  /** Member notification levels included (`all`; `highlights` too for a pinned post). */
  levels: NotifyLevel[]
  now: number
  /**
   * An edit run: only devices already sent an older revision of the post (their message may
   * still wait at the push service, where the new one replaces it through the Topic header).
   */
  updateTo?: number
}

/** Subscription ids from `first` to `last`, inclusive: one batch. */
export interface IdRange {
  first: string
  last: string
}

/**
 * Devices of members who want this post: joined, not muted, not banned, a level in `levels`, not
 * its author, subscription not expired. Ordered by id, so ranges of ids make stable batches.
 *
 * For a batch (`range`) the subscriptions come first: CROSS JOIN makes SQLite walk the id range
 * and look each member up by primary key. Left to itself it would walk every member of the channel
 * for every batch — quadratic in the channel's size. PostgreSQL plans CROSS JOIN + WHERE freely.
 */
function audienceQuery(db: DbOrTx, a: Audience, range?: IdRange) {
  const joined = range
    ? db
        .selectFrom('push_subscription as s')
        .crossJoin('channel_member as m')
        .whereRef('m.account_id', '=', 's.account_id')
        .where('m.channel_id', '=', a.channelId)
        .where('s.id', '>=', range.first)
        .where('s.id', '<=', range.last)
    : db
        .selectFrom('push_subscription as s')
        .innerJoin('channel_member as m', (join) =>
          join.onRef('m.account_id', '=', 's.account_id').on('m.channel_id', '=', a.channelId),
        )
  return joined
    .where('m.muted', '=', 0)
    .where('m.notify_level', 'in', a.levels)
    .where('s.account_id', '!=', a.authorId)
    .where((eb) => eb.or([eb('s.expires_at', 'is', null), eb('s.expires_at', '>', a.now)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('channel_ban as b')
            .select('b.account_id')
            .whereRef('b.account_id', '=', 's.account_id')
            .where('b.channel_id', '=', a.channelId),
        ),
      ),
    )
}

/** The audience joined with its delivery rows for the post: the devices this run still owes. */
function owedQuery(db: DbOrTx, a: Audience, range?: IdRange) {
  const joined = audienceQuery(db, a, range).leftJoin('push_delivery as d', (join) =>
    join.onRef('d.subscription_id', '=', 's.id').on('d.post_id', '=', a.postId),
  )
  if (a.updateTo === undefined) {
    return joined.where((eb) => eb.or([eb('d.status', 'is', null), eb('d.status', '=', 'retry')]))
  }
  return joined.where('d.status', '=', 'sent').where('d.revision', '<', a.updateTo)
}

/**
 * The ids a run owes, compiled once per shape (db/prepared.ts): every published post starts a run.
 * A one-level audience repeats its level, so `in (?, ?)` keeps the same SQL for one or two levels;
 * an edit run (updateTo) has its own shape.
 */
function owedIdsQuery(isUpdate: boolean) {
  return preparedQuery(
    (
      db: DbOrTx,
      postId: string,
      channelId: string,
      authorId: string,
      levelA: NotifyLevel,
      levelB: NotifyLevel,
      now: number,
      updateTo: number,
    ) =>
      owedQuery(db, {
        postId,
        channelId,
        authorId,
        levels: [levelA, levelB],
        now,
        updateTo: isUpdate ? updateTo : undefined,
      })
        .select('s.id')
        .orderBy('s.id'),
  )
}

const owedIds = { run: owedIdsQuery(false), update: owedIdsQuery(true) }

export async function audienceIds(db: DbOrTx, a: Audience): Promise<string[]> {
  const levelA = a.levels[0]!
  const levelB = a.levels[1] ?? levelA
  const query = a.updateTo === undefined ? owedIds.run : owedIds.update
  const { rows } = await query(db, a.postId, a.channelId, a.authorId, levelA, levelB, a.now, a.updateTo ?? 0)
  return rows.map((r) => r.id)
}

export interface PendingDevice extends Device {
  /** null: never claimed; 'retry': an earlier attempt knows it was not delivered; 'sent': update. */
  status: PushDeliveryStatus | null
  /** The person's language setting, else the browser's when it subscribed (null: English). */
  language: string | null
}

/** Devices of the audience with ids in [first, last] that have not been claimed (or may be retried). */
export async function pendingDevices(
  db: DbOrTx,
  audience: Audience,
  first: string,
  last: string,
): Promise<PendingDevice[]> {
  return owedQuery(db, audience, { first, last })
    .innerJoin('account as a', 'a.id', 's.account_id')
    .select(['s.id', 's.endpoint', 's.p256dh', 's.auth', 'd.status'])
    .select((eb) => eb.fn.coalesce('a.language', 's.language').as('language'))
    .orderBy('s.id')
    .execute()
}

/**
 * The at-most-once claim: marks (post, device) as being sent `revision` of the post. Returns the
 * devices this caller won; a device claimed by anyone before (another attempt, another worker) is
 * not returned, so it is never sent the same thing twice. Devices in 'retry' are claimed again by
 * moving them back to 'sending'; devices 'sent' an older revision are claimed for an edit update.
 */
export async function claimDevices(
  db: DbOrTx,
  postId: string,
  devices: readonly PendingDevice[],
  revision: number,
  now: number,
): Promise<Set<string>> {
  const won = new Set<string>()
  const fresh = devices.filter((d) => d.status === null)
  const retried = devices.filter((d) => d.status === 'retry')
  const updated = devices.filter((d) => d.status === 'sent')
  if (fresh.length > 0) {
    const rows = await db
      .insertInto('push_delivery')
      .values(
        fresh.map((d) => ({
          post_id: postId,
          subscription_id: d.id,
          status: 'sending' as const,
          attempts: 1,
          revision,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['post_id', 'subscription_id']).doNothing())
      .returning('subscription_id')
      .execute()
    for (const row of rows) won.add(row.subscription_id)
  }
  if (retried.length > 0) {
    const rows = await db
      .updateTable('push_delivery')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), revision, updated_at: now }))
      .where('post_id', '=', postId)
      .where(
        'subscription_id',
        'in',
        retried.map((d) => d.id),
      )
      .where('status', '=', 'retry')
      .returning('subscription_id')
      .execute()
    for (const row of rows) won.add(row.subscription_id)
  }
  if (updated.length > 0) {
    const rows = await db
      .updateTable('push_delivery')
      .set({ status: 'sending', revision, updated_at: now })
      .where('post_id', '=', postId)
      .where(
        'subscription_id',
        'in',
        updated.map((d) => d.id),
      )
      .where('status', '=', 'sent')
      .where('revision', '<', revision)
      .returning('subscription_id')
      .execute()
    for (const row of rows) won.add(row.subscription_id)
  }
  return won
}

export async function setDeliveryStatus(
  db: DbOrTx,
  postId: string,
  ids: readonly string[],
  status: PushDeliveryStatus,
  now: number,
): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('push_delivery')
    .set({ status, updated_at: now })
    .where('post_id', '=', postId)
    .where('subscription_id', 'in', ids)
    .execute()
}

/** Gives up devices still waiting for a retry of this post (the batch's last attempt is over). */
export async function failRetries(
  db: DbOrTx,
  postId: string,
  ids: readonly string[],
  now: number,
): Promise<number> {
  if (ids.length === 0) return 0
  const result = await db
    .updateTable('push_delivery')
    .set({ status: 'failed', updated_at: now })
    .where('post_id', '=', postId)
    .where('subscription_id', 'in', ids)
    .where('status', '=', 'retry')
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export interface FanoutRow {
  id: string
  post_id: string
  reason: PushFanoutReason
  published_at: number
  batches: number | null
  batches_done: number
  done_at: number | null
}

// The queries every notification run makes, compiled once (db/prepared.ts): each published post
// starts a run, whether or not anyone has a device.
const insertFanoutQuery = preparedQuery(
  (db: DbOrTx, id: string, postId: string, reason: PushFanoutReason, publishedAt: number, now: number) =>
    db
      .insertInto('push_fanout')
      .values({ id, post_id: postId, reason, published_at: publishedAt, created_at: now })
      .onConflict((oc) => oc.column('id').doNothing()),
)

const findFanoutQuery = preparedQuery((db: DbOrTx, id: string) =>
  db
    .selectFrom('push_fanout')
    .select(['id', 'post_id', 'reason', 'published_at', 'batches', 'batches_done', 'done_at'])
    .where('id', '=', id),
)

const setFanoutBatchesQuery = preparedQuery((db: DbOrTx, id: string, batches: number) =>
  db.updateTable('push_fanout').set({ batches, batches_done: 0 }).where('id', '=', id),
)

/** Records a notification run before its job is queued; false when it was already recorded. */
export async function insertFanout(
  db: DbOrTx,
  row: { id: string; postId: string; reason: PushFanoutReason; publishedAt: number; now: number },
): Promise<boolean> {
  const result = await insertFanoutQuery(db, row.id, row.postId, row.reason, row.publishedAt, row.now)
  return Number(result.numAffectedRows ?? 0) > 0
}

export async function findFanout(db: DbOrTx, id: string): Promise<FanoutRow | undefined> {
  return (await findFanoutQuery(db, id)).rows[0]
}

export async function setFanoutBatches(db: DbOrTx, id: string, batches: number): Promise<void> {
  await setFanoutBatchesQuery(db, id, batches)
}

/**
 * Counts one finished batch; returns the run's row when this call finished the whole run (the
 * conditional update lets exactly one caller see that), else null.
 */
export async function completeBatch(db: DbOrTx, id: string, now: number): Promise<FanoutRow | null> {
  await db
    .updateTable('push_fanout')
    .set((eb) => ({ batches_done: eb('batches_done', '+', 1) }))
    .where('id', '=', id)
    .execute()
  return finishFanoutIfComplete(db, id, now)
}

const finishFanoutQuery = preparedQuery((db: DbOrTx, id: string, now: number) =>
  db
    .updateTable('push_fanout')
    .set({ done_at: now })
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .where('batches', 'is not', null)
    .where((eb) => eb('batches_done', '>=', eb.ref('batches')))
    .returning(['id', 'post_id', 'reason', 'published_at', 'batches', 'batches_done', 'done_at']),
)

const finishEmptyFanoutQuery = preparedQuery((db: DbOrTx, id: string, now: number) =>
  db
    .updateTable('push_fanout')
    .set({ batches: 0, batches_done: 0, done_at: now })
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .returning(['id', 'post_id', 'reason', 'published_at', 'batches', 'batches_done', 'done_at']),
)

/**
 * Records that a run has nobody to notify and is done, in one statement (setFanoutBatches(0) then
 * finishFanoutIfComplete would be two): most posts of a channel without devices end here. Returns
 * the row when this call finished the run, null when it was already done.
 */
export async function finishEmptyFanout(db: DbOrTx, id: string, now: number): Promise<FanoutRow | null> {
  return (await finishEmptyFanoutQuery(db, id, now)).rows[0] ?? null
}

export async function finishFanoutIfComplete(db: DbOrTx, id: string, now: number): Promise<FanoutRow | null> {
  return (await finishFanoutQuery(db, id, now)).rows[0] ?? null
}

/** Runs recorded since `since` that have not finished: queued again at start (the in-process queue forgets). */
export async function unfinishedFanouts(db: DbOrTx, since: number): Promise<string[]> {
  const rows = await db
    .selectFrom('push_fanout')
    .select('id')
    .where('done_at', 'is', null)
    .where('created_at', '>=', since)
    .orderBy('created_at')
    .execute()
  return rows.map((r) => r.id)
}
