import { useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { t } from '../app/i18n.js'
import { navigate } from '../app/router.js'
import { me } from '../app/session.js'
import type { Channel } from '../app/types.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { ChannelFields, type ChannelFieldValues } from './ChannelFields.js'

export function NewChannel() {
  const [slug, setSlug] = useState('')
  const [fields, setFields] = useState<ChannelFieldValues>({
    title: '',
    description: '',
    visibility: 'public',
    joinPolicy: 'open',
  })
  const action = useAction()
  if (me.value === null) {
    return (
      <main id="main">
        <p>
          <Link href="/app/login?next=/app/new">{t('common.logIn')}</Link> {t('studio.newChannel.logInTo')}
        </p>
      </main>
    )
  }
  const create = async (e: Event) => {
    e.preventDefault()
    await action.run(async () => {
      const c = await api.post<Channel>('/api/v1/channels', { slug, ...fields })
      navigate(`/app/c/${encodeURIComponent(c.slug)}`)
    })
  }
  const address = (
    <div class="field">
      <label for="ch-slug">{t('studio.newChannel.address')}</label>
      <input
        id="ch-slug"
        type="text"
        required
        minLength={3}
        maxLength={40}
        autoCapitalize="none"
        value={slug}
        onInput={(e) => setSlug(e.currentTarget.value)}
      />
      <p class="hint">
        {t('studio.newChannel.addressHint', { path: `/c/${slug || t('studio.newChannel.example')}` })}
      </p>
    </div>
  )
  return (
    <main id="main">
      <form class="card" onSubmit={create}>
        <h1>{t('home.newChannel')}</h1>
        <ChannelFields
          values={fields}
          onChange={(patch) => setFields((f) => ({ ...f, ...patch }))}
          afterTitle={address}
        />
        <ErrorBox error={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          {t('studio.newChannel.create')}
        </button>
      </form>
    </main>
  )
}
