import type { DbOrTx } from '../db/database.js'
import type { ReportCaseRow, ReportResolution, ReportTargetKind } from '../db/schema.js'
import { newId } from '../util/ids.js'
import { COMMENTS_SHOWN } from './reasons.js'

/** Report cases, reports and notices: plain queries; the rules live in service.ts. */

export interface CaseKey {
  channelId: string
  kind: ReportTargetKind
  targetId: string
  postId: string | null
  authorId: string | null
}

export const openKey = (kind: ReportTargetKind, targetId: string) => `${kind}:${targetId}`

export async function findOpenCase(db: DbOrTx, kind: ReportTargetKind, targetId: string) {
  return db
    .selectFrom('report_case')
    .selectAll()
    .where('open_key', '=', openKey(kind, targetId))
    .executeTakeFirst()
}

export async function insertCase(db: DbOrTx, key: CaseKey, now: number): Promise<ReportCaseRow> {
  const row: ReportCaseRow = {
    id: newId(),
    channel_id: key.channelId,
    target_kind: key.kind,
    target_id: key.targetId,
    post_id: key.postId,
    author_id: key.authorId,
    open_key: openKey(key.kind, key.targetId),
    state: 'open',
    resolution: null,
    resolved_by: null,
    resolved_at: null,
    report_count: 0,
    created_at: now,
    updated_at: now,
  }
  await db.insertInto('report_case').values(row).execute()
  return row
}

/** The reporter's report in the case, inserted or updated; true when it is new. */
export async function upsertReport(
  db: DbOrTx,
  caseId: string,
  reporterId: string,
  fields: { reason: string; comment: string },
  now: number,
): Promise<boolean> {
  const updated = await db
    .updateTable('report')
    .set({ ...fields, updated_at: now })
    .where('case_id', '=', caseId)
    .where('reporter_id', '=', reporterId)
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) > 0) {
    await db.updateTable('report_case').set({ updated_at: now }).where('id', '=', caseId).execute()
    return false
  }
  await db
    .insertInto('report')
    .values({
      id: newId(),
      case_id: caseId,
      reporter_id: reporterId,
      ...fields,
      created_at: now,
      updated_at: now,
    })
    .execute()
  await db
    .updateTable('report_case')
    .set((eb) => ({ report_count: eb('report_count', '+', 1), updated_at: now }))
    .where('id', '=', caseId)
    .execute()
  return true
}

export type CaseListRow = ReportCaseRow & {
  channel_slug: string
  channel_title: string
  resolved_by_handle: string | null
}

function caseQuery(db: DbOrTx) {
  return db
    .selectFrom('report_case')
    .innerJoin('channel', 'channel.id', 'report_case.channel_id')
    .leftJoin('account as by', 'by.id', 'report_case.resolved_by')
    .selectAll('report_case')
    .select([
      'channel.slug as channel_slug',
      'channel.title as channel_title',
      'by.handle as resolved_by_handle',
    ])
}

/**
 * A page of cases, most recently reported first; `limit + 1` rows. `channelId` for a channel's
 * queue (items in it, not the channel itself), null for the operators' queue (channels).
 */
export async function listCases(
  db: DbOrTx,
  q: {
    channelId: string | null
    state: 'open' | 'resolved'
    before: { updatedAt: number; id: string } | null
    limit: number
  },
): Promise<CaseListRow[]> {
  let query = caseQuery(db).where('report_case.state', '=', q.state)
  query =
    q.channelId === null
      ? query.where('report_case.target_kind', '=', 'channel')
      : query
          .where('report_case.channel_id', '=', q.channelId)
          .where('report_case.target_kind', '!=', 'channel')
  if (q.before) {
    const { updatedAt, id } = q.before
    query = query.where((eb) =>
      eb.or([
        eb('report_case.updated_at', '<', updatedAt),
        eb.and([eb('report_case.updated_at', '=', updatedAt), eb('report_case.id', '<', id)]),
      ]),
    )
  }
  return query
    .orderBy('report_case.updated_at', 'desc')
    .orderBy('report_case.id', 'desc')
    .limit(q.limit + 1)
    .execute()
}

export async function findCase(db: DbOrTx, id: string): Promise<CaseListRow | undefined> {
  return caseQuery(db).where('report_case.id', '=', id).executeTakeFirst()
}

/** Reason tallies and the newest comments of each case. */
export async function loadReports(db: DbOrTx, caseIds: readonly string[]) {
  const tallies = new Map<string, Record<string, number>>()
  const comments = new Map<string, { reason: string; comment: string; at: number }[]>()
  if (caseIds.length === 0) return { tallies, comments }
  const rows = await db
    .selectFrom('report')
    .select(['case_id', 'reason', 'comment', 'updated_at'])
    .where('case_id', 'in', [...caseIds])
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
  for (const row of rows) {
    const tally = tallies.get(row.case_id) ?? {}
    tally[row.reason] = (tally[row.reason] ?? 0) + 1
    tallies.set(row.case_id, tally)
    const list = comments.get(row.case_id) ?? []
    if (row.comment !== '' && list.length < COMMENTS_SHOWN)
      list.push({ reason: row.reason, comment: row.comment, at: row.updated_at })
    comments.set(row.case_id, list)
  }
  return { tallies, comments }
}

/** Closes the case if it is still open; false when someone else closed it first. */
export async function closeCase(
  db: DbOrTx,
  id: string,
  resolution: ReportResolution,
  actorId: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('report_case')
    .set({
      state: 'resolved',
      open_key: null,
      resolution,
      resolved_by: actorId,
      resolved_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function reporterIds(db: DbOrTx, caseId: string): Promise<string[]> {
  const rows = await db.selectFrom('report').select('reporter_id').where('case_id', '=', caseId).execute()
  return rows.map((r) => r.reporter_id)
}
