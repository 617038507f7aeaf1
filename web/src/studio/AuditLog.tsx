import { channelPath } from '../app/api.js'
import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { actionLabel, detailsLabel } from './audit-labels.js'
import { canAdminister } from './roles.js'
import { ChannelPending, StudioNav, useChannel } from './StudioNav.js'
import type { AuditEntry } from './studio-types.js'
import { useList } from './use-list.js'

/** The channel's audit log (owner, admin: `audit.read`), newest first, 50 at a time. */
export function AuditLog({ slug }: { slug: string }) {
  const { channel, error: loadError } = useChannel(slug)
  const role = channel?.viewer?.role
  if (loadError || !channel) return <ChannelPending error={loadError} />
  return (
    <main id="main" class="stack wide">
      <StudioNav slug={slug} current="audit" role={role ?? null} />
      <h1>{t('studio.audit.title')}</h1>
      {canAdminister(role) ? <Entries slug={slug} /> : <p class="notice">{t('studio.audit.adminsOnly')}</p>}
    </main>
  )
}

function Entries({ slug }: { slug: string }) {
  const list = useList<AuditEntry>(channelPath(slug, '/audit-log'))
  const base = `/app/studio/${encodeURIComponent(slug)}`
  return (
    <>
      <p class="small muted">{t('studio.audit.help')}</p>
      <ErrorBox error={list.error} />
      {list.items?.length === 0 && <p class="muted">{t('studio.audit.none')}</p>}
      <ol class="audit-list" aria-label={t('studio.audit.list')}>
        {(list.items ?? []).map((e) => {
          const details = detailsLabel(e)
          return (
            <li key={e.id} class="audit-entry" data-action={e.action}>
              <time class="small muted" dateTime={e.createdAt}>
                {fullTime(e.createdAt)}
              </time>
              <p>
                <strong>{e.actorHandle ? `@${e.actorHandle}` : t('studio.audit.someone')}</strong>{' '}
                {actionLabel(e.action)}
                {e.targetHandle && <strong> @{e.targetHandle}</strong>}
                {e.targetPostId && e.action !== 'post.deleted' && (
                  <>
                    {' '}
                    (
                    <Link href={`${base}/p/${encodeURIComponent(e.targetPostId)}`}>
                      {t('studio.audit.thePost')}
                    </Link>
                    )
                  </>
                )}
              </p>
              {details && <p class="small muted">{details}</p>}
            </li>
          )
        })}
      </ol>
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          {t('studio.audit.older')}
        </button>
      )}
    </>
  )
}
