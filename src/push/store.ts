import type { DbOrTx } from '../db/database.js'
import type { PushSubscriptionRow } from '../db/schema.js'

/** Push subscriptions (devices): plain queries; rules live in service.ts. */

export async function findSubscriptionByEndpoint(
  db: DbOrTx,
  endpoint: string,
): Promise<PushSubscriptionRow | undefined> {
  return db.selectFrom('push_subscription').selectAll().where('endpoint', '=', endpoint).executeTakeFirst()
}

export async function insertSubscription(db: DbOrTx, row: PushSubscriptionRow): Promise<void> {
  await db.insertInto('push_subscription').values(row).execute()
}

export async function updateSubscription(
  db: DbOrTx,
  id: string,
  fields: Pick<PushSubscriptionRow, 'p256dh' | 'auth' | 'label' | 'expires_at' | 'updated_at' | 'language'>,
): Promise<void> {
  await db.updateTable('push_subscription').set(fields).where('id', '=', id).execute()
}

export async function listSubscriptions(db: DbOrTx, accountId: string): Promise<PushSubscriptionRow[]> {
  return db
    .selectFrom('push_subscription')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
}

/** Deletes the account's subscription; false when it has none with that id. */
export async function deleteOwnSubscription(db: DbOrTx, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('push_subscription')
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function deleteSubscriptions(db: DbOrTx, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0
  const result = await db.deleteFrom('push_subscription').where('id', 'in', ids).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Ids of the account's subscriptions beyond the newest `keep` (least recently registered first out). */
export async function surplusSubscriptionIds(db: DbOrTx, accountId: string, keep: number): Promise<string[]> {
  const rows = await db
    .selectFrom('push_subscription')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .offset(keep)
    .limit(1000)
    .execute()
  return rows.map((r) => r.id)
}
