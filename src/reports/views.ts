import type { ChannelAccess } from '../channels/index.js'
import { roleAllows } from '../channels/index.js'
import type { CaseActionT, CaseViewT } from './schemas.js'
import type { CaseListRow } from './store.js'
import type { TargetDetails } from './targets.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/**
 * What a channel's staff member may do with an open case: dismiss it (reports.resolve), delete the
 * item with the permission its own menu needs (a post: post.delete-any; an image: post.edit-any;
 * an answer: answers.moderate), ban the author of an answer (members.ban).
 */
export function staffActions(
  access: ChannelAccess,
  row: Pick<CaseListRow, 'state' | 'target_kind'>,
): CaseActionT[] {
  if (row.state !== 'open') return []
  const actions: CaseActionT[] = ['dismiss']
  const deleteNeeds = { post: 'post.delete-any', image: 'post.edit-any', answer: 'answers.moderate' } as const
  if (row.target_kind !== 'channel' && roleAllows(access.role, deleteNeeds[row.target_kind]))
    actions.push('delete')
  if (row.target_kind === 'answer' && roleAllows(access.role, 'members.ban')) actions.push('ban')
  return actions
}

export const operatorActions = (row: Pick<CaseListRow, 'state'>): CaseActionT[] =>
  row.state === 'open' ? ['dismiss', 'hide', 'suspend'] : []

export function toCaseView(
  row: CaseListRow,
  reports: { tally: Record<string, number>; comments: { reason: string; comment: string; at: number }[] },
  details: TargetDetails,
  author: { handle: string; displayName: string } | null,
  actions: CaseActionT[],
): CaseViewT {
  return {
    id: row.id,
    channel: { slug: row.channel_slug, title: row.channel_title },
    kind: row.target_kind,
    state: row.state,
    resolution: row.resolution,
    reportCount: row.report_count,
    reasons: reports.tally,
    comments: reports.comments.map((c) => ({
      reason: c.reason as CaseViewT['comments'][number]['reason'],
      comment: c.comment,
      at: iso(c.at)!,
    })),
    target: {
      postId: row.post_id,
      mediaId: row.target_kind === 'image' ? row.target_id : null,
      answerId: row.target_kind === 'answer' ? row.target_id : null,
      excerpt: details.excerpt,
      imageUrl: details.imageUrl,
      author,
      exists: details.exists,
    },
    actions,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    resolvedAt: iso(row.resolved_at),
    resolvedBy: row.resolved_by_handle,
  }
}
