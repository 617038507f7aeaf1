import { useEffect, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { locale, t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'

/** An export as GET /api/v1/me/exports describes it (docs/api.md "Exports"). */
interface ExportJob {
  id: string
  kind: 'person' | 'channel'
  channel: string | null
  status: 'queued' | 'running' | 'ready' | 'failed' | 'expired'
  progress: { done: number; total: number }
  expiresAt: string | null
  downloadUrl: string | null
}

const isRunning = (job: ExportJob) => job.status === 'queued' || job.status === 'running'

/**
 * "Export my data" (no `channel`), or "Export channel" in the studio's Manage page for the owner:
 * ask for the archive, follow its progress, download it before it expires.
 */
export function ExportData({ channel }: { channel?: string }) {
  const [latest, setLatest] = useState<ExportJob | null | undefined>(undefined)
  const keys = channel ? 'export.channel' : 'export'
  const load = async () => {
    const { items } = await api.get<{ items: ExportJob[] }>('/api/v1/me/exports')
    setLatest(items.find((job) => (channel ? job.channel === channel : job.kind === 'person')) ?? null)
  }
  const request = channel ? `/api/v1/channels/${encodeURIComponent(channel)}/exports` : '/api/v1/me/exports'
  const { error, setError, busy, run } = useAction({ after: load })
  useEffect(() => {
    load().catch(setError)
  }, [])
  // While the job runs, its progress is read again every second.
  useEffect(() => {
    if (!latest || !isRunning(latest)) return
    const timer = setTimeout(() => load().catch(setError), 1000)
    return () => clearTimeout(timer)
  }, [latest])
  const when = (iso: string) =>
    new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
  return (
    <section class="card" aria-labelledby="export-title">
      <h2 id="export-title">{t(`${keys}.title`)}</h2>
      <p class="small muted">{t(`${keys}.help`)}</p>
      {latest && isRunning(latest) && (
        <p role="status">
          {t('export.progress', { done: latest.progress.done, total: latest.progress.total })}
          <progress
            max={Math.max(1, latest.progress.total)}
            value={latest.progress.done}
            aria-label={t(`${keys}.title`)}
          />
        </p>
      )}
      {latest?.status === 'ready' && latest.downloadUrl && (
        <p>
          <a href={latest.downloadUrl} download data-export-download>
            {t('export.download')}
          </a>{' '}
          <span class="small muted">{t('export.expires', { when: when(latest.expiresAt!) })}</span>
        </p>
      )}
      {latest?.status === 'failed' && <p class="error">{t('export.failed')}</p>}
      <button
        type="button"
        disabled={busy || (latest ? isRunning(latest) : false)}
        onClick={() => run(() => api.post(request, {}))}
      >
        {t(`${keys}.request`)}
      </button>
      <ErrorBox error={error} />
    </section>
  )
}
