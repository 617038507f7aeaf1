import type { DbOrTx } from '../db/database.js'
import type { ReportResolution, ReportTargetKind } from '../db/schema.js'
import { newId } from '../util/ids.js'
import { cursorCodec, type Page, toPage } from '../util/pagination.js'
import type { NoticeViewT } from './schemas.js'

/** What a `report-resolved` notice holds: ids and names only, never the reported content. */
export interface ResolvedNoticeData {
  caseId: string
  channelSlug: string
  channelTitle: string
  item: ReportTargetKind
  resolution: ReportResolution
}

export async function insertNotices(
  db: DbOrTx,
  accountIds: readonly string[],
  data: ResolvedNoticeData,
  now: number,
): Promise<void> {
  if (accountIds.length === 0) return
  await db
    .insertInto('account_notice')
    .values(
      accountIds.map((accountId) => ({
        id: newId(),
        account_id: accountId,
        kind: 'report-resolved',
        data: JSON.stringify(data),
        created_at: now,
        read_at: null,
      })),
    )
    .execute()
}

const noticeCursor = cursorCodec({ id: 'id' })

/** The account's notices, newest first, and how many are unread. */
export async function listNotices(
  db: DbOrTx,
  accountId: string,
  page: { cursor?: string; limit?: number },
): Promise<Page<NoticeViewT> & { unread: number }> {
  const limit = page.limit ?? 20
  const before = noticeCursor.decodeOptional(page.cursor)?.id ?? null
  let query = db.selectFrom('account_notice').selectAll().where('account_id', '=', accountId)
  if (before !== null) query = query.where('id', '<', before)
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
  const unread = await db
    .selectFrom('account_notice')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow()
  const paged = toPage(rows, limit, (r) => noticeCursor.encode({ id: r.id }))
  return {
    nextCursor: paged.nextCursor,
    unread: Number(unread.n),
    items: paged.items.map((r) => {
      const data = JSON.parse(r.data) as ResolvedNoticeData
      return {
        id: r.id,
        kind: 'report-resolved' as const,
        channel: { slug: data.channelSlug, title: data.channelTitle },
        item: data.item,
        resolution: data.resolution,
        createdAt: new Date(r.created_at).toISOString(),
        read: r.read_at !== null,
      }
    }),
  }
}

/** Marks every notice of the account read. */
export async function markNoticesRead(db: DbOrTx, accountId: string, now: number): Promise<void> {
  await db
    .updateTable('account_notice')
    .set({ read_at: now })
    .where('account_id', '=', accountId)
    .where('read_at', 'is', null)
    .execute()
}
