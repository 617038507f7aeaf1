import type { Db } from '../../db/database.js'
import type { ResumableUploadRow, ResumableUploadStatus } from '../../db/schema.js'

/** Plain queries over `resumable_upload`; the rules live in service.ts. */

export async function insertResumableUpload(db: Db, row: ResumableUploadRow): Promise<void> {
  await db.insertInto('resumable_upload').values(row).execute()
}

export async function findResumableUpload(db: Db, id: string): Promise<ResumableUploadRow | undefined> {
  return db.selectFrom('resumable_upload').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Unfinished uploads of an account that have not expired. */
export async function countReceiving(db: Db, accountId: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('resumable_upload')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', accountId)
    .where('status', '=', 'receiving')
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Moves an upload from one status to the next; false when it was not in `from` (someone else moved it). */
export async function moveStatus(
  db: Db,
  id: string,
  from: ResumableUploadStatus,
  to: ResumableUploadStatus,
  values: { media_id?: string | null; error?: string | null } = {},
): Promise<boolean> {
  const result = await db
    .updateTable('resumable_upload')
    .set({ status: to, ...values })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function deleteResumableUpload(db: Db, id: string): Promise<void> {
  await db.deleteFrom('resumable_upload').where('id', '=', id).execute()
}

/** Rows whose time is up, oldest first, at most `limit` (the sweep works in batches). */
export async function listExpired(db: Db, now: number, limit: number): Promise<ResumableUploadRow[]> {
  return db
    .selectFrom('resumable_upload')
    .selectAll()
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute()
}

export async function listOfAccount(db: Db, accountId: string): Promise<ResumableUploadRow[]> {
  return db.selectFrom('resumable_upload').selectAll().where('account_id', '=', accountId).execute()
}
