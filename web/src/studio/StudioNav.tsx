import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import type { Channel, Role } from '../app/types.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { canAdminister, canModerate, canPost } from './roles.js'
import './studio.css'

// The viewer's role per channel, as last loaded by a studio page: pages that do not load the
// channel themselves (analytics, a post's staff view) still show the right tabs.
const knownRoles = new Map<string, Role | null>()

/** Loads the channel a studio page works on (with the viewer's role), or the problem. */
export function useChannel(slug: string) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    api.get<Channel>(channelPath(slug)).then((c) => {
      knownRoles.set(slug, c.viewer?.role ?? null)
      setChannel(c)
    }, setError)
  }, [slug])
  return { channel, setChannel, error }
}

/** What a studio page shows until its channel has loaded: the problem that stopped it, or "Loading…". */
export function ChannelPending({ error }: { error: unknown }) {
  // A suspended channel answers 404 to everyone; its staff get why (issue 17).
  if (error instanceof ApiError && error.code === 'channel-suspended')
    return (
      <main id="main" class="stack">
        <div class="notice" role="status" data-suspended>
          <h1>{t('reports.suspended.title')}</h1>
          <p>{t('reports.suspended.detail')}</p>
          <p>{error.detail}</p>
        </div>
      </main>
    )
  if (error)
    return (
      <main id="main">
        <ErrorBox error={error} />
      </main>
    )
  return (
    <main id="main" aria-busy="true">
      <p class="muted">{t('common.loading')}</p>
    </main>
  )
}

export type StudioPage =
  | 'compose'
  | 'schedule'
  | 'reviews'
  | 'digests'
  | 'settings'
  | 'audit'
  | 'reports'
  | 'analytics'
  | 'post'

/**
 * The studio's tabs, as the role allows: writing (new post, scheduled & drafts, digests) for
 * owner, admin and creator; the audit log for owner and admin; manage and analytics for the team.
 * Without a known role (first page opened is one that does not load the channel) it shows them all;
 * the server refuses what the role cannot do.
 */
export function StudioNav({
  slug,
  current,
  role,
}: {
  slug: string
  current: StudioPage
  role?: Role | null
}) {
  const known = role !== undefined ? role : knownRoles.get(slug)
  const all = known === undefined
  const nav = useRef<HTMLElement>(null)
  // On a phone the tabs scroll sideways: bring the current one into view.
  useEffect(() => {
    const here = nav.current?.querySelector<HTMLElement>('[aria-current="page"]')
    if (nav.current && here) nav.current.scrollLeft = here.offsetLeft - nav.current.offsetLeft - 8
  }, [current])
  const base = `/app/studio/${encodeURIComponent(slug)}`
  const items: [StudioPage, string, string, boolean][] = [
    ['compose', base, t('studio.nav.compose'), all || canPost(known)],
    ['schedule', `${base}/schedule`, t('studio.nav.schedule'), all || canPost(known)],
    ['reviews', `${base}/reviews`, t('studio.nav.reviews'), all || canPost(known)],
    ['digests', `${base}/digests`, t('studio.nav.digests'), all || canPost(known)],
    ['settings', `${base}/settings`, t('studio.nav.settings'), true],
    ['audit', `${base}/audit`, t('studio.nav.audit'), all || canAdminister(known)],
    ['reports', `${base}/reports`, t('reports.queue.tab'), all || canModerate(known)],
    ['analytics', `${base}/analytics`, t('channel.analytics'), true],
  ]
  return (
    <nav class="tabs studio-nav" aria-label={t('channel.studioNav')} ref={nav}>
      <Link class="button" href={`/app/c/${encodeURIComponent(slug)}`}>
        ← {t('post.channel')}
      </Link>
      {items
        .filter(([, , , shown]) => shown)
        .map(([key, href, label]) =>
          key === current ? (
            <span class="button" aria-current="page" key={key}>
              {label}
            </span>
          ) : (
            <Link class="button" href={href} key={key}>
              {label}
            </Link>
          ),
        )}
    </nav>
  )
}
