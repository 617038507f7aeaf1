import type { Static } from '@sinclair/typebox'
import type { ExportView } from './schemas.js'
import type { ExportJobRecord } from './store.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString())

export function toExportView(job: ExportJobRecord, now: number): Static<typeof ExportView> {
  const isReady = job.status === 'ready' && (job.expires_at ?? 0) > now
  return {
    id: job.id,
    kind: job.kind,
    channel: job.channel_slug,
    status: job.status === 'ready' && !isReady ? 'expired' : job.status,
    progress: { done: Number(job.items_done), total: Number(job.items_total) },
    bytes: job.bytes === null ? null : Number(job.bytes),
    createdAt: iso(job.created_at)!,
    finishedAt: iso(job.finished_at),
    expiresAt: iso(job.expires_at),
    downloadUrl: isReady ? `/api/v1/me/exports/${job.id}/archive` : null,
  }
}
