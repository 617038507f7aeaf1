import {
  type ChannelAccess,
  recordAudit,
  requireOperator,
  requirePermission,
  requireReadableChannel,
} from '../channels/index.js'
import type { Db } from '../db/database.js'
import { isUniqueViolation } from '../db/database.js'
import type { ReportResolution } from '../db/schema.js'
import { DomainError, fail } from '../errors.js'
import type { Logger } from '../logger.js'
import type { AccountNotice } from '../push/index.js'
import type { Clock } from '../util/clock.js'
import { cursorCodec, type Page, toPage } from '../util/pagination.js'
import type { CaseActions } from './actions.js'
import { insertNotices, listNotices, markNoticesRead, type ResolvedNoticeData } from './notices.js'
import type {
  CaseActionT,
  CaseQueryT,
  CaseViewT,
  CreateReportInput,
  NoticeViewT,
  ReportReceiptT,
  ResolveInput,
} from './schemas.js'
import {
  type CaseListRow,
  closeCase,
  findCase,
  findOpenCase,
  insertCase,
  listCases,
  loadReports,
  reporterIds,
  upsertReport,
} from './store.js'
import { loadTargetDetails, resolveTarget } from './targets.js'
import { operatorActions, staffActions, toCaseView } from './views.js'

export interface ReportServiceDeps {
  db: Db
  clock: Clock
  logger: Logger
  publicUrl: () => URL
  actions: CaseActions
  /** Sends a notice to the account's devices (push), after commit. */
  notify: (notice: AccountNotice) => Promise<void>
}

/**
 * Reports (issue 17 point 4). Signed-in people report a post, an image of a post, a prompt answer
 * or a channel with a reason from a fixed list; reports of one item are grouped in one open case
 * (a reporter reporting it again updates their report). A channel's staff (reports.resolve:
 * moderators, admins, the owner) work through the cases of items in their channel; reports of a
 * channel itself go to the server's operators. Resolving writes the audit log and gives every
 * reporter a notice (in the app, and pushed to their devices).
 */
export interface ReportService {
  create(reporterId: string, slug: string, input: CreateReportInput): Promise<ReportReceiptT>
  /** A channel's queue (reports.resolve). */
  queue(slug: string, actorId: string, query: CaseQueryT): Promise<Page<CaseViewT>>
  /** Resolves one case of the channel: dismiss, delete the item, ban an answer's author. */
  resolve(slug: string, actorId: string, caseId: string, input: ResolveInput): Promise<CaseViewT>
  /** The operators' queue of reported channels (`not-server-admin`). */
  operatorQueue(operatorId: string, query: CaseQueryT): Promise<Page<CaseViewT>>
  /** Resolves a channel's case: dismiss, hide or suspend the channel (`not-server-admin`). */
  operatorResolve(operatorId: string, caseId: string, input: ResolveInput): Promise<CaseViewT>
  notices(
    accountId: string,
    page: { cursor?: string; limit?: number },
  ): Promise<Page<NoticeViewT> & { unread: number }>
  markNoticesRead(accountId: string): Promise<void>
}

const caseCursor = cursorCodec({ updatedAt: 'int', id: 'id' })

const resolutionOf: Record<CaseActionT, ReportResolution> = {
  dismiss: 'dismissed',
  delete: 'deleted',
  ban: 'banned',
  suspend: 'suspended',
  hide: 'hidden',
}

export function createReportService(deps: ReportServiceDeps): ReportService {
  const { db, clock } = deps

  async function create(reporterId: string, slug: string, input: CreateReportInput): Promise<ReportReceiptT> {
    const comment = (input.comment ?? '').trim()
    const attempt = () =>
      db.transaction().execute(async (tx) => {
        const access = await requireReadableChannel(tx, slug, reporterId)
        const key = await resolveTarget(tx, access, input)
        const now = clock.now()
        const open = (await findOpenCase(tx, key.kind, key.targetId)) ?? (await insertCase(tx, key, now))
        const isNew = await upsertReport(tx, open.id, reporterId, { reason: input.reason, comment }, now)
        return { caseId: open.id, reason: input.reason, comment, isNew }
      })
    try {
      return await attempt()
    } catch (error) {
      // Two first reports of one item at once: the loser joins the case the winner opened.
      if (!isUniqueViolation(error)) throw error
      return attempt()
    }
  }

  async function present(
    rows: CaseListRow[],
    actionsOf: (row: CaseListRow) => CaseActionT[],
  ): Promise<Map<string, CaseViewT>> {
    const ids = rows.map((r) => r.id)
    const { tallies, comments } = await loadReports(db, ids)
    const details = await loadTargetDetails(db, deps.publicUrl(), rows)
    const authorIds = [...new Set(rows.map((r) => r.author_id).filter((id): id is string => id !== null))]
    const authors = authorIds.length
      ? await db
          .selectFrom('account')
          .select(['id', 'handle', 'display_name'])
          .where('id', 'in', authorIds)
          .execute()
      : []
    const authorById = new Map(authors.map((a) => [a.id, { handle: a.handle, displayName: a.display_name }]))
    return new Map(
      rows.map((row) => [
        row.id,
        toCaseView(
          row,
          { tally: tallies.get(row.id) ?? {}, comments: comments.get(row.id) ?? [] },
          details.get(row.id)!,
          row.author_id ? (authorById.get(row.author_id) ?? null) : null,
          actionsOf(row),
        ),
      ]),
    )
  }

  async function pageOf(
    channelId: string | null,
    query: CaseQueryT,
    actionsOf: (row: CaseListRow) => CaseActionT[],
  ) {
    const limit = query.limit ?? 20
    const rows = await listCases(db, {
      channelId,
      state: query.state ?? 'open',
      before: caseCursor.decodeOptional(query.cursor),
      limit,
    })
    const page = toPage(rows, limit, (r) => caseCursor.encode({ updatedAt: r.updated_at, id: r.id }))
    const views = await present(page.items, actionsOf)
    return { items: page.items.map((r) => views.get(r.id)!), nextCursor: page.nextCursor }
  }

  async function queue(slug: string, actorId: string, query: CaseQueryT) {
    const access = await requirePermission(db, slug, actorId, 'reports.resolve')
    return pageOf(access.channel.id, query, (row) => staffActions(access, row))
  }

  async function viewOne(id: string, actionsOf: (row: CaseListRow) => CaseActionT[]): Promise<CaseViewT> {
    const row = (await findCase(db, id))!
    return (await present([row], actionsOf)).get(id)!
  }

  /** The open case `caseId` of this channel (or of any channel, for operators), with the action allowed. */
  function requireOpenCase(
    row: CaseListRow | undefined,
    caseId: string,
    isOperator: boolean,
    channelId?: string,
  ) {
    const inScope =
      row &&
      (isOperator
        ? row.target_kind === 'channel'
        : row.channel_id === channelId && row.target_kind !== 'channel')
    if (!row || !inScope) fail('report-not-found', `No report case "${caseId}" here.`)
    if (row.state !== 'open')
      fail('report-resolved', `Case "${caseId}" is already resolved (${row.resolution}).`)
    return row
  }

  function assertAction(allowed: CaseActionT[], action: CaseActionT, access?: ChannelAccess): void {
    if (allowed.includes(action)) return
    const known = access ? ['dismiss', 'delete', 'ban'] : ['dismiss', 'hide', 'suspend']
    if (!known.includes(action) || action === 'ban') {
      fail('validation', `Invalid body: "${action}" does not apply to this case.`, {
        errors: [
          {
            field: '/action',
            message: `must be one of ${known.join(', ')}${action === 'ban' ? ' (ban: answers only)' : ''}`,
          },
        ],
      })
    }
    fail('not-allowed', `Your role does not allow "${action}" on this case.`)
  }

  /** Runs a content action; content already gone counts as done (the case still closes as asked). */
  async function tolerateGone(work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      const gone = ['post-not-found', 'answer-not-found', 'media-not-found']
      if (!(error instanceof DomainError && gone.includes(error.reason))) throw error
    }
  }

  async function applyStaffAction(
    access: ChannelAccess,
    actorId: string,
    row: CaseListRow,
    input: ResolveInput,
  ) {
    const slug = access.channel.slug
    const postId = row.post_id!
    if (input.action === 'delete' && row.target_kind === 'post') {
      await tolerateGone(() => deps.actions.removePost(actorId, slug, postId))
    } else if (input.action === 'delete' && row.target_kind === 'image') {
      const links = await db
        .selectFrom('post_media')
        .select('media_id')
        .where('post_id', '=', postId)
        .orderBy('position')
        .execute()
      const rest = links.map((l) => l.media_id).filter((id) => id !== row.target_id)
      if (rest.length === links.length) return // already gone
      await tolerateGone(() =>
        rest.length === 0
          ? deps.actions.removePost(actorId, slug, postId)
          : deps.actions.setAlbum(actorId, slug, postId, rest),
      )
    } else if (input.action === 'delete' || input.action === 'ban') {
      if (input.action === 'ban' && row.author_id) {
        const author = await db
          .selectFrom('account')
          .select('handle')
          .where('id', '=', row.author_id)
          .executeTakeFirst()
        if (author) await deps.actions.ban(slug, actorId, author.handle, input.reason ?? '')
      }
      await tolerateGone(() => deps.actions.hideAnswer(actorId, slug, postId, row.target_id))
    }
  }

  /** Closes the case, audits it and leaves each reporter a notice (pushed after commit). */
  async function close(row: CaseListRow, actorId: string, action: CaseActionT): Promise<void> {
    const resolution = resolutionOf[action]
    const data: ResolvedNoticeData = {
      caseId: row.id,
      channelSlug: row.channel_slug,
      channelTitle: row.channel_title,
      item: row.target_kind,
      resolution,
    }
    const reporters = await db.transaction().execute(async (tx) => {
      const now = clock.now()
      if (!(await closeCase(tx, row.id, resolution, actorId, now))) return []
      const { tallies } = await loadReports(tx, [row.id])
      await recordAudit(tx, {
        channelId: row.channel_id,
        actorId,
        action: 'report.resolved',
        targetAccountId: row.target_kind === 'channel' ? null : row.author_id,
        targetPostId: row.post_id,
        details: {
          case: row.id,
          item: row.target_kind,
          resolution,
          reports: row.report_count,
          reasons: tallies.get(row.id) ?? {},
        },
        at: now,
      })
      const ids = (await reporterIds(tx, row.id)).filter((id) => id !== actorId)
      await insertNotices(tx, ids, data, now)
      return ids
    })
    for (const accountId of reporters) {
      await deps
        .notify({
          accountId,
          key: resolution,
          values: { channel: row.channel_title, item: row.target_kind },
          path: '/app/notices',
          tag: `report:${row.id}`,
        })
        .catch((error: unknown) => deps.logger.warn({ err: error, case: row.id }, 'report notice not queued'))
    }
  }

  async function resolve(slug: string, actorId: string, caseId: string, input: ResolveInput) {
    const access = await requirePermission(db, slug, actorId, 'reports.resolve')
    const row = requireOpenCase(await findCase(db, caseId), caseId, false, access.channel.id)
    assertAction(staffActions(access, row), input.action, access)
    await applyStaffAction(access, actorId, row, input)
    await close(row, actorId, input.action)
    return viewOne(caseId, () => [])
  }

  async function operatorQueue(operatorId: string, query: CaseQueryT) {
    await requireOperator(db, operatorId)
    return pageOf(null, query, operatorActions)
  }

  async function operatorResolve(operatorId: string, caseId: string, input: ResolveInput) {
    await requireOperator(db, operatorId)
    const row = requireOpenCase(await findCase(db, caseId), caseId, true)
    assertAction(operatorActions(row), input.action)
    if (input.action === 'suspend')
      await deps.actions.suspendChannel(row.channel_slug, operatorId, input.reason ?? '')
    if (input.action === 'hide') await deps.actions.hideChannel(row.channel_slug, operatorId)
    await close(row, operatorId, input.action)
    return viewOne(caseId, () => [])
  }

  return {
    create,
    queue,
    resolve,
    operatorQueue,
    operatorResolve,
    notices: (accountId, page) => listNotices(db, accountId, page),
    markNoticesRead: (accountId) => markNoticesRead(db, accountId, clock.now()),
  }
}
