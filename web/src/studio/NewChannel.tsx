import { useState } from 'preact/hooks'
import { api } from '../app/api.js'
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
          <Link href="/app/login?next=/app/new">Log in</Link> to create a channel.
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
      <label for="ch-slug">Address</label>
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
      <p class="hint">Letters, digits and hyphens: /c/{slug || 'your-show'}</p>
    </div>
  )
  return (
    <main id="main">
      <form class="card" onSubmit={create}>
        <h1>New channel</h1>
        <ChannelFields
          values={fields}
          onChange={(patch) => setFields((f) => ({ ...f, ...patch }))}
          afterTitle={address}
        />
        <ErrorBox error={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          Create channel
        </button>
      </form>
    </main>
  )
}
