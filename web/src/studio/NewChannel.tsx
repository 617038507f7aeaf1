import { useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { navigate } from '../app/router.js'
import { me } from '../app/session.js'
import type { Channel, JoinPolicy, Visibility } from '../app/types.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'

export function NewChannel() {
  const [slug, setSlug] = useState('')
  const [title, setTitle] = useState('')
  const [description, setDescription] = useState('')
  const [visibility, setVisibility] = useState<Visibility>('public')
  const [joinPolicy, setJoinPolicy] = useState<JoinPolicy>('open')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
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
    setBusy(true)
    setError(null)
    try {
      const c = await api.post<Channel>('/api/v1/channels', {
        slug,
        title,
        description,
        visibility,
        joinPolicy,
      })
      navigate(`/app/c/${encodeURIComponent(c.slug)}`)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <main id="main">
      <form class="card" onSubmit={create}>
        <h1>New channel</h1>
        <div class="field">
          <label for="nc-title">Title</label>
          <input
            id="nc-title"
            type="text"
            required
            maxLength={100}
            value={title}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="nc-slug">Address</label>
          <input
            id="nc-slug"
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
        <div class="field">
          <label for="nc-description">Description</label>
          <textarea
            id="nc-description"
            maxLength={1000}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        <div class="row">
          <div class="field spacer">
            <label for="nc-visibility">Visibility</label>
            <select
              id="nc-visibility"
              value={visibility}
              onChange={(e) => setVisibility(e.currentTarget.value as Visibility)}
            >
              <option value="public">Public</option>
              <option value="unlisted">Unlisted</option>
              <option value="private">Private</option>
            </select>
          </div>
          <div class="field spacer">
            <label for="nc-join">Who can join</label>
            <select
              id="nc-join"
              value={joinPolicy}
              onChange={(e) => setJoinPolicy(e.currentTarget.value as JoinPolicy)}
            >
              <option value="open">Anyone</option>
              <option value="invite">Invite link only</option>
              <option value="request">On request</option>
            </select>
          </div>
        </div>
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          Create channel
        </button>
      </form>
    </main>
  )
}
