import type { AuditEntry } from './studio-types.js'

/** Each audit action as a phrase ("changed the settings"); unknown ones show their raw name. */
const ACTIONS: Record<string, string> = {
  'channel.created': 'created the channel',
  'channel.updated': 'changed the settings',
  'channel.production-updated': 'changed the production facts',
  'channel.archived': 'archived the channel',
  'channel.unarchived': 'unarchived the channel',
  'role.granted': 'gave a role to',
  'role.removed': 'removed the role of',
  'ownership.transferred': 'transferred ownership to',
  'member.removed': 'removed',
  'member.banned': 'banned',
  'member.unbanned': 'unbanned',
  'invite.created': 'made an invite link',
  'invite.revoked': 'revoked an invite link',
  'join-request.approved': 'approved the join request of',
  'join-request.rejected': 'rejected the join request of',
  'post.deleted': 'deleted a post',
  'answer.hidden': 'hid an answer by',
  'answer.unhidden': 'unhid an answer by',
  'report.resolved': 'resolved reports about',
  'channel.suspended': 'suspended the channel (server operator)',
  'channel.unsuspended': 'lifted the channel’s suspension (server operator)',
  'channel.hidden': 'hid the channel from listings (server operator)',
  'channel.unhidden': 'listed the channel again (server operator)',
}

export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null)

/** The details worth reading, in words: the new role, a ban's reason, which settings changed… */
export function detailsLabel(entry: AuditEntry): string {
  const d = entry.details ?? {}
  const parts: string[] = []
  if (str(d.newRole)) parts.push(`as ${str(d.newRole)}`)
  if (entry.action === 'role.removed' && str(d.oldRole)) parts.push(`was ${str(d.oldRole)}`)
  if (d.addedAsMember === true) parts.push('added as a member')
  if (str(d.reason)) parts.push(`reason: “${str(d.reason)}”`)
  if (Array.isArray(d.changes)) parts.push(`changed ${d.changes.map(String).join(', ')}`)
  else if (d.changes && typeof d.changes === 'object')
    parts.push(`changed ${Object.keys(d.changes).join(', ')}`)
  if (entry.action === 'channel.production-updated' && d.described === false) parts.push('removed them')
  if (entry.action === 'report.resolved') {
    parts.push(`${str(d.item) ?? 'item'}: ${str(d.resolution) ?? ''}`)
    if (str(d.reports)) parts.push(`${str(d.reports)} report${d.reports === 1 ? '' : 's'}`)
  }
  if (str(d.maxUses)) parts.push(`up to ${str(d.maxUses)} uses`)
  if (str(d.expiresAt)) parts.push(`expires ${new Date(String(d.expiresAt)).toLocaleString()}`)
  return parts.join(' · ')
}
