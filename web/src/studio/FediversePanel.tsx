import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { useList } from './use-list.js'

interface FederationOverview {
  handle: string | null
  followers: number
  pendingFollowers: number
  replies: number
  reactions: number
  votes: number
}

interface FollowRequest {
  actor: string
  handle: string
  name: string | null
}

/**
 * The channel on the fediverse (docs/federation.md): the handle people follow from Mastodon, how
 * many remote accounts follow, what they did, and their follow requests on a request-only channel.
 */
export function FediversePanel({ slug }: { slug: string }) {
  const [overview, setOverview] = useState<FederationOverview | null>(null)
  const [error, setError] = useState<unknown>(null)
  const load = () => api.get<FederationOverview>(channelPath(slug, '/federation')).then(setOverview, setError)
  useEffect(() => {
    void load()
  }, [slug])
  return (
    <section class="card" aria-labelledby="fediverse-title">
      <h2 id="fediverse-title">{t('studio.fediverse.title')}</h2>
      <ErrorBox error={error} />
      {overview && overview.handle === null && (
        <p class="muted small">{t('studio.fediverse.notFederated')}</p>
      )}
      {overview?.handle && (
        <>
          <p>
            {t('studio.fediverse.handle')}
            <strong class="fediverse-handle">{overview.handle}</strong>
          </p>
          <p>{t('studio.fediverse.followers', { count: overview.followers })}</p>
          <p class="muted small">
            {t('studio.fediverse.counts', {
              replies: String(overview.replies),
              reactions: String(overview.reactions),
              votes: String(overview.votes),
            })}
          </p>
          {overview.pendingFollowers > 0 && <FollowRequests slug={slug} onDecided={() => void load()} />}
        </>
      )}
    </section>
  )
}

function FollowRequests({ slug, onDecided }: { slug: string; onDecided: () => void }) {
  const list = useList<FollowRequest>(channelPath(slug, '/federation/follow-requests'))
  const action = useAction()
  const decide = (actor: string, what: 'approve' | 'reject') =>
    action
      .run(() => api.post(channelPath(slug, `/federation/follow-requests/${what}`), { actor }))
      .then(() => list.reload())
      .then(onDecided)
  return (
    <>
      <h3>{t('studio.fediverse.requests')}</h3>
      <ErrorBox error={action.error ?? list.error} />
      <ul>
        {(list.items ?? []).map((r) => (
          <li key={r.actor} class="row">
            <span class="spacer">
              {r.name && <strong>{r.name}</strong>} <span class="muted small">{r.handle}</span>
            </span>
            <button type="button" class="primary" onClick={() => decide(r.actor, 'approve')}>
              {t('studio.fediverse.approve')}
            </button>
            <button type="button" onClick={() => decide(r.actor, 'reject')}>
              {t('studio.fediverse.reject')}
            </button>
          </li>
        ))}
      </ul>
    </>
  )
}
