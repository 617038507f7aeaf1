import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import type { AuditEntry } from './studio-types.js'

/**
 * Each audit action as a phrase ("changed the settings"), from the catalog (studio.audit.action,
 * nested by the action's dotted name); unknown ones show their raw name.
 */
export function actionLabel(action: string): string {
  return t(`studio.audit.action.${action}`, { defaultValue: action })
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null)

/** The details worth reading, in words: the new role, a ban's reason, which settings changed… */
export function detailsLabel(entry: AuditEntry): string {
  const d = entry.details ?? {}
  const parts: string[] = []
  const role = (r: string) => t(`roles.${r}`, { defaultValue: r })
  if (str(d.newRole)) parts.push(t('studio.audit.as', { role: role(str(d.newRole)!) }))
  if (entry.action === 'role.removed' && str(d.oldRole))
    parts.push(t('studio.audit.was', { role: role(str(d.oldRole)!) }))
  if (d.addedAsMember === true) parts.push(t('studio.audit.addedAsMember'))
  if (str(d.reason)) parts.push(t('studio.audit.reason', { reason: str(d.reason) }))
  if (Array.isArray(d.changes))
    parts.push(t('studio.audit.changed', { fields: d.changes.map(String).join(', ') }))
  else if (d.changes && typeof d.changes === 'object')
    parts.push(t('studio.audit.changed', { fields: Object.keys(d.changes).join(', ') }))
  if (entry.action === 'channel.production-updated' && d.described === false)
    parts.push(t('studio.audit.removedThem'))
  if (entry.action === 'report.resolved') {
    parts.push(
      t('studio.audit.reportResolved', {
        item: t(`reports.queue.kinds.${str(d.item) ?? 'post'}`, { defaultValue: str(d.item) ?? '' }),
        resolution: str(d.resolution) ?? '',
      }),
    )
    if (typeof d.reports === 'number') parts.push(t('studio.audit.reports', { count: d.reports }))
  }
  if (str(d.maxUses)) parts.push(t('studio.audit.maxUses', { n: str(d.maxUses) }))
  if (str(d.expiresAt)) parts.push(t('studio.audit.expires', { when: fullTime(String(d.expiresAt)) }))
  return parts.join(' · ')
}
