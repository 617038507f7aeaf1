import { useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { navigate, route } from '../app/router.js'
import { me } from '../app/session.js'
import type { Channel } from '../app/types.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'

/**
 * An invite link (`/join/{slug}?invite=…`, made by POST …/invites). A private channel cannot be
 * looked at before joining, so this page shows only the slug and a Join button.
 */
export function JoinPage({ slug }: { slug: string }) {
  const invite = route.value.search.get('invite') ?? ''
  const [message, setMessage] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [requested, setRequested] = useState(false)
  const here = `/join/${encodeURIComponent(slug)}${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`

  if (me.value === null) {
    return (
      <main id="main" class="card">
        <h1>{t('join.invited', { slug })}</h1>
        <p>{t('join.logInFirst')}</p>
        <div class="row">
          <Link class="button primary" href={`/app/signup?next=${encodeURIComponent(here)}`}>
            {t('common.signUp')}
          </Link>
          <Link class="button" href={`/app/login?next=${encodeURIComponent(here)}`}>
            {t('common.logIn')}
          </Link>
        </div>
      </main>
    )
  }

  const join = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const body: Record<string, string> = {}
      if (invite) body.invite = invite
      if (message.trim()) body.message = message.trim()
      const res = await api.post<{ status: 'joined' | 'requested'; channel: Channel }>(
        channelPath(slug, '/members'),
        body,
      )
      if (res.status === 'requested') setRequested(true)
      else navigate(`/app/c/${encodeURIComponent(res.channel.slug)}`, { replace: true })
    } catch (err) {
      if ((err as { code?: string }).code === 'already-member')
        navigate(`/app/c/${encodeURIComponent(slug)}`, { replace: true })
      else setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main id="main">
      <form class="card" onSubmit={join}>
        <h1>{t('join.title', { slug })}</h1>
        {requested ? (
          <p class="notice" role="status">
            {t('join.requested')}
          </p>
        ) : (
          <>
            {!invite && (
              <div class="field">
                <label for="join-message">{t('join.message')}</label>
                <textarea
                  id="join-message"
                  maxLength={500}
                  value={message}
                  onInput={(e) => setMessage(e.currentTarget.value)}
                />
              </div>
            )}
            <ErrorBox error={error} />
            <button type="submit" class="primary" disabled={busy || me.value === undefined}>
              {t('join.submit')}
            </button>
          </>
        )}
      </form>
    </main>
  )
}
