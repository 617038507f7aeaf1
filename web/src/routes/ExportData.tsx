import { useEffect, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { locale, t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'

/** An export as GET /api/v1/me/exports describes it (docs/api.md "Exports"). */
interface ExportJob {
  id: string
  kind: 'person' | 'channel'
  status: 'queued' | 'running' | 'ready' | 'failed' | 'expired'
  progress: { done: number; total: number }
  expiresAt: string | null
  downloadUrl: string | null
}

const isRunning = (job: ExportJob) => job.status === 'queued' || job.status === 'running'

/** "Export my data": ask for an archive of everything Backlot holds about you, follow it, download it. */
export function ExportData() {
  const [latest, setLatest] = useState<ExportJob | null | undefined>(undefined)
  const load = async () => {
    const { items } = await api.get<{ items: ExportJob[] }>('/api/v1/me/exports')
    setLatest(items.find((job) => job.kind === 'person') ?? null)
  }
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
      <h2 id="export-title">{t('export.title')}</h2>
      <p class="small muted">{t('export.help')}</p>
      {latest && isRunning(latest) && (
        <p role="status">
          {t('export.progress', { done: latest.progress.done, total: latest.progress.total })}
          <progress
            max={Math.max(1, latest.progress.total)}
            value={latest.progress.done}
            aria-label={t('export.title')}
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
        onClick={() => run(() => api.post('/api/v1/me/exports', {}))}
      >
        {t('export.request')}
      </button>
      <ErrorBox error={error} />
    </section>
  )
}
