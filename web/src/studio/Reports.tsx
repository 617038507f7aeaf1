import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { localLabel } from './datetime.js'
import { canModerate } from './roles.js'
import { ChannelPending, StudioNav, useChannel } from './StudioNav.js'

/** A grouped case as the server sends it (src/reports/schemas.ts CaseView). */
interface ReportCase {
  id: string
  kind: 'post' | 'image' | 'answer' | 'channel'
  state: 'open' | 'resolved'
  resolution: string | null
  reportCount: number
  reasons: Record<string, number>
  comments: { reason: string; comment: string; at: string }[]
  target: {
    postId: string | null
    excerpt: string | null
    imageUrl: string | null
    author: { handle: string; displayName: string } | null
    exists: boolean
  }
  actions: ('dismiss' | 'delete' | 'ban')[]
  updatedAt: string
  resolvedBy: string | null
}

/**
 * The moderation queue (issue 17): reports of this channel's posts, photos and answers, one card
 * per reported item with its reports counted by reason and the newest comments; the actions the
 * viewer's role allows (dismiss, delete, ban an answer's author). Reporters are never named.
 */
export function Reports({ slug }: { slug: string }) {
  const { channel, error: loadError } = useChannel(slug)
  const [state, setState] = useState<'open' | 'resolved'>('open')
  const [items, setItems] = useState<ReportCase[] | null>(null)
  const role = channel?.viewer?.role
  const action = useAction({ after: () => load() })
  const load = () =>
    api.get<{ items: ReportCase[] }>(channelPath(slug, `/reports?state=${state}&limit=100`)).then(
      (r) => setItems(r.items),
      (e: unknown) => action.setError(e),
    )
  useEffect(() => {
    if (canModerate(role)) void load()
  }, [slug, role, state])

  if (loadError || !channel) return <ChannelPending error={loadError} />
  const resolve = (c: ReportCase, verb: 'dismiss' | 'delete' | 'ban') =>
    action.run(() => api.post(channelPath(slug, `/reports/${c.id}/resolve`), { action: verb }))
  return (
    <main id="main" class="stack wide">
      <StudioNav slug={slug} current="reports" role={role ?? null} />
      <h1>{t('reports.queue.title')}</h1>
      <p class="muted">{t('reports.queue.intro')}</p>
      {!canModerate(role) && <p class="notice">{t('reports.queue.notStaff')}</p>}
      <nav class="tabs" aria-label={t('reports.queue.title')}>
        {(['open', 'resolved'] as const).map((s) => (
          <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)}>
            {t(`reports.queue.${s}`)}
          </button>
        ))}
      </nav>
      <ErrorBox error={action.error} />
      {items?.length === 0 && <p class="muted">{t('reports.queue.empty')}</p>}
      <ul class="schedule-list" aria-label={t('reports.queue.title')}>
        {(items ?? []).map((c) => (
          <li class="card schedule-item" key={c.id} data-case={c.id} data-state={c.state}>
            <p class="status-pill">
              {t(`reports.queue.kinds.${c.kind}`)} · {t('reports.queue.count', { count: c.reportCount })} ·{' '}
              {localLabel(Date.parse(c.updatedAt))}
            </p>
            {c.target.imageUrl && (
              <img class="report-thumb" src={c.target.imageUrl} alt={c.target.excerpt ?? ''} />
            )}
            <p class="post-text">
              {c.target.exists ? (c.kind !== 'image' && c.target.excerpt) || '' : t('reports.queue.gone')}
            </p>
            {c.target.author && (
              <p class="small muted">{t('reports.queue.by', { handle: c.target.author.handle })}</p>
            )}
            <p class="small">
              {Object.entries(c.reasons)
                .map(([reason, n]) => `${t(`reports.reasons.${reason}`)} × ${n}`)
                .join(' · ')}
            </p>
            {c.comments.length > 0 && (
              <ul class="small report-comments">
                {c.comments.map((m) => (
                  <li key={m.at + m.comment}>“{m.comment}”</li>
                ))}
              </ul>
            )}
            {c.state === 'resolved' ? (
              <p class="small muted">
                {t('reports.queue.resolvedAs', { resolution: c.resolution, handle: c.resolvedBy ?? '?' })}
              </p>
            ) : (
              <div class="row">
                {c.actions.map((verb) => (
                  <button
                    key={verb}
                    type="button"
                    class={verb === 'dismiss' ? '' : 'danger'}
                    disabled={action.busy}
                    onClick={() => resolve(c, verb)}
                  >
                    {t(`reports.queue.${verb}`)}
                  </button>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </main>
  )
}
