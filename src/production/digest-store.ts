import type { Updateable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { DigestRow, DigestTable } from '../db/schema.js'

export async function insertDigest(db: DbOrTx, row: DigestRow): Promise<void> {
  await db.insertInto('digest').values(row).execute()
}

export async function findDigest(db: DbOrTx, channelId: string, id: string): Promise<DigestRow | undefined> {
  return db
    .selectFrom('digest')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Newest first. */
export async function listDigests(db: DbOrTx, channelId: string, limit: number): Promise<DigestRow[]> {
  return db
    .selectFrom('digest')
    .selectAll()
    .where('channel_id', '=', channelId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

export async function updateDigest(db: DbOrTx, id: string, changes: Updateable<DigestTable>): Promise<void> {
  await db.updateTable('digest').set(changes).where('id', '=', id).execute()
}

export async function deleteDigest(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom('digest').where('id', '=', id).execute()
}

/** Ids of this channel's posts among `ids` that are not deleted (staff may pick scheduled ones). */
export async function existingPostIds(
  db: DbOrTx,
  channelId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom('post')
    .select('id')
    .where('channel_id', '=', channelId)
    .where('id', 'in', ids)
    .where('status', '!=', 'deleted')
    .execute()
  return new Set(rows.map((r) => r.id))
}
