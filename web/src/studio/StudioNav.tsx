import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import type { Channel } from '../app/types.js'
import { Link } from '../components/Link.js'

/** Loads the channel a studio page works on (with the viewer's role), or the problem. */
export function useChannel(slug: string) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    api.get<Channel>(channelPath(slug)).then(setChannel, setError)
  }, [slug])
  return { channel, setChannel, error }
}

export function StudioNav({
  slug,
  current,
}: {
  slug: string
  current: 'compose' | 'settings' | 'analytics' | 'post'
}) {
  const base = `/app/studio/${encodeURIComponent(slug)}`
  const item = (key: typeof current, href: string, label: string) =>
    key === current ? (
      <span class="button" aria-current="page">
        {label}
      </span>
    ) : (
      <Link class="button" href={href}>
        {label}
      </Link>
    )
  return (
    <nav class="tabs" aria-label="Studio">
      <Link class="button" href={`/app/c/${encodeURIComponent(slug)}`}>
        ← Channel
      </Link>
      {item('compose', base, 'New post')}
      {item('settings', `${base}/settings`, 'Manage')}
      {item('analytics', `${base}/analytics`, 'Analytics')}
    </nav>
  )
}
