import { useEffect, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { t } from '../app/i18n.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'

interface Notice {
  id: string
  channel: { slug: string; title: string }
  item: 'post' | 'image' | 'answer' | 'channel'
  resolution: 'dismissed' | 'deleted' | 'banned' | 'suspended' | 'hidden'
  createdAt: string
  read: boolean
}

/** The account's notices (`/app/notices`): what became of its reports (issue 17). Opening the page marks them read. */
export function Notices() {
  const [items, setItems] = useState<Notice[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    api.get<{ items: Notice[]; unread: number }>('/api/v1/me/notices?limit=50').then((r) => {
      setItems(r.items)
      if (r.unread > 0) void api.post('/api/v1/me/notices/read').catch(setError)
    }, setError)
  }, [])
  return (
    <main id="main" class="stack">
      <h1>{t('reports.notices.title')}</h1>
      <ErrorBox error={error} />
      {items?.length === 0 && <p class="muted">{t('reports.notices.empty')}</p>}
      <ul class="stack notice-list" aria-label={t('reports.notices.title')}>
        {(items ?? []).map((n) => (
          <li class="card" key={n.id} data-resolution={n.resolution}>
            {!n.read && <span class="status-pill">{t('reports.notices.unread')}</span>}{' '}
            {n.resolution === 'suspended' ? (
              t('reports.notices.outcome.suspended', { channel: n.channel.title })
            ) : (
              <>
                {t(`reports.notices.outcome.${n.resolution}`, {
                  channel: n.channel.title,
                  item: t(`reports.notices.items.${n.item}`),
                })}{' '}
                <Link class="small" href={`/app/c/${encodeURIComponent(n.channel.slug)}`}>
                  {n.channel.title}
                </Link>
              </>
            )}
            <p class="small muted">{new Date(n.createdAt).toLocaleString()}</p>
          </li>
        ))}
      </ul>
    </main>
  )
}
