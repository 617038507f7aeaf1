import type { Db, DbOrTx } from '../db/database.js'
import type { ExportJobRow, ExportKind, ExportStatus } from '../db/schema.js'

/** Plain queries on `export_job` (STYLE rule 4): the service decides what they mean. */

export async function insertExportJob(
  db: DbOrTx,
  row: { id: string; accountId: string; kind: ExportKind; channelId: string | null; at: number },
): Promise<void> {
  await db
    .insertInto('export_job')
    .values({
      id: row.id,
      account_id: row.accountId,
      kind: row.kind,
      channel_id: row.channelId,
      status: 'queued',
      file_name: null,
      bytes: null,
      error: null,
      created_at: row.at,
      finished_at: null,
      expires_at: null,
    })
    .execute()
}

/** A job with its channel's slug (null for a person's own export). */
export type ExportJobRecord = ExportJobRow & { channel_slug: string | null }

const withSlug = (db: DbOrTx) =>
  db
    .selectFrom('export_job')
    .leftJoin('channel', 'channel.id', 'export_job.channel_id')
    .selectAll('export_job')
    .select('channel.slug as channel_slug')

export async function findExportJob(db: DbOrTx, id: string): Promise<ExportJobRecord | undefined> {
  return withSlug(db).where('export_job.id', '=', id).executeTakeFirst()
}

/** The account's exports, newest first (a person has a handful: they expire). */
export async function listExportJobs(
  db: DbOrTx,
  accountId: string,
  limit: number,
): Promise<ExportJobRecord[]> {
  return withSlug(db)
    .where('export_job.account_id', '=', accountId)
    .orderBy('export_job.created_at', 'desc')
    .orderBy('export_job.id', 'desc')
    .limit(limit)
    .execute()
}

/** An export of this account that has not finished yet, if any (one runs at a time per person). */
export async function findUnfinishedJob(db: DbOrTx, accountId: string): Promise<ExportJobRow | undefined> {
  return db
    .selectFrom('export_job')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst()
}

export async function listUnfinishedJobs(db: DbOrTx): Promise<ExportJobRow[]> {
  return db.selectFrom('export_job').selectAll().where('status', 'in', ['queued', 'running']).execute()
}

export async function markRunning(db: DbOrTx, id: string, total: number): Promise<void> {
  await db
    .updateTable('export_job')
    .set({ status: 'running', items_done: 0, items_total: total })
    .where('id', '=', id)
    .execute()
}

export async function recordProgress(db: DbOrTx, id: string, done: number): Promise<void> {
  await db.updateTable('export_job').set({ items_done: done }).where('id', '=', id).execute()
}

export async function markFinished(
  db: DbOrTx,
  id: string,
  outcome:
    | { status: 'ready'; fileName: string; bytes: number; at: number; expiresAt: number; done: number }
    | { status: 'failed'; error: string; at: number },
): Promise<void> {
  const set =
    outcome.status === 'ready'
      ? {
          status: 'ready' as ExportStatus,
          file_name: outcome.fileName,
          bytes: outcome.bytes,
          finished_at: outcome.at,
          expires_at: outcome.expiresAt,
          items_done: outcome.done,
        }
      : { status: 'failed' as ExportStatus, error: outcome.error, finished_at: outcome.at }
  await db.updateTable('export_job').set(set).where('id', '=', id).execute()
}

/** Ready exports whose time is up, oldest first. */
export async function listExpired(db: Db, now: number, limit: number): Promise<ExportJobRow[]> {
  return db
    .selectFrom('export_job')
    .selectAll()
    .where('status', '=', 'ready')
    .where('expires_at', '<=', now)
    .orderBy('expires_at', 'asc')
    .limit(limit)
    .execute()
}

export async function markExpired(db: DbOrTx, id: string): Promise<void> {
  await db
    .updateTable('export_job')
    .set({ status: 'expired', file_name: null })
    .where('id', '=', id)
    .where('status', '=', 'ready')
    .execute()
}

/** Deletes every export job of an account; returns their ids and archive file names. */
export async function deleteExportJobsOf(db: DbOrTx, accountId: string) {
  return db
    .deleteFrom('export_job')
    .where('account_id', '=', accountId)
    .returning(['id', 'file_name'])
    .execute()
}
