import { useEffect, useState } from 'preact/hooks'
import { api, channelPath, query } from '../app/api.js'
import { t } from '../app/i18n.js'
import { me } from '../app/session.js'
import { stream } from '../app/stream.js'
import type { Channel, Page, Post } from '../app/types.js'
import { countUnread } from '../app/unread.js'
import { Avatar } from '../components/Avatar.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'

const UNREAD_PAGE = 20

function ChannelRow({ channel, unread }: { channel: Channel; unread?: number }) {
  return (
    <li class="card row" style={{ marginBottom: '8px' }}>
      <Avatar channel={channel} small />
      <div class="spacer">
        <Link href={`/app/c/${encodeURIComponent(channel.slug)}`}>
          <strong>{channel.title}</strong>
        </Link>
        <div class="small muted">
          {t('channel.members', { count: channel.memberCount })}
          {channel.membership?.muted ? ` · ${t('home.muted')}` : ''}
        </div>
      </div>
      {unread !== undefined && unread > 0 && (
        <span class="badge" data-unread={unread}>
          {unread >= UNREAD_PAGE ? `${UNREAD_PAGE}+` : unread}
          <span class="visually-hidden"> {t('home.unread')}</span>
        </span>
      )}
    </li>
  )
}

/** Unread counts for this device: posts newer than the newest one read here (first page only). */
function useUnread(channels: Channel[] | null) {
  const [unread, setUnread] = useState<Record<string, number>>({})
  useEffect(() => {
    if (!channels) return
    let live = true
    for (const c of channels) {
      api
        .get<Page<Post>>(channelPath(c.slug, `/posts${query({ limit: UNREAD_PAGE })}`))
        .then((page) => {
          if (live)
            setUnread((u) => ({
              ...u,
              [c.slug]: countUnread(
                c.slug,
                page.items.map((p) => p.publishedAt),
              ),
            }))
        })
        .catch(() => {})
    }
    // New posts while this list is open bump the count live.
    const offs = channels.map((c) =>
      stream.subscribe(c.slug, {
        onFrame: (f) => {
          if (f.type === 'event' && f.event.type === 'post.published') {
            setUnread((u) => ({ ...u, [c.slug]: (u[c.slug] ?? 0) + 1 }))
          }
        },
      }),
    )
    return () => {
      live = false
      for (const off of offs) off()
    }
  }, [channels])
  return unread
}

export function Home() {
  const account = me.value
  const [mine, setMine] = useState<Channel[] | null>(null)
  const [discover, setDiscover] = useState<Channel[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const unread = useUnread(mine)

  useEffect(() => {
    if (account === undefined) return
    setError(null)
    if (account) {
      api.get<Page<Channel>>('/api/v1/channels?member=me&limit=50').then((p) => setMine(p.items), setError)
    } else setMine(null)
    api.get<Page<Channel>>('/api/v1/channels?limit=20').then((p) => setDiscover(p.items), setError)
  }, [account])

  const mySlugs = new Set((mine ?? []).map((c) => c.slug))
  return (
    <main id="main" class="stack">
      <ErrorBox error={error} />
      {account && (
        <section aria-labelledby="mine-title">
          <div class="row">
            <h1 id="mine-title" class="spacer">
              {t('home.yours')}
            </h1>
            <Link class="button" href="/app/new">
              {t('home.newChannel')}
            </Link>
          </div>
          {mine === null ? (
            <p class="muted">{t('common.loading')}</p>
          ) : mine.length === 0 ? (
            <p class="muted">{t('home.none')}</p>
          ) : (
            <ul style={{ padding: 0, listStyle: 'none' }}>
              {mine.map((c) => (
                <ChannelRow key={c.id} channel={c} unread={unread[c.slug]} />
              ))}
            </ul>
          )}
        </section>
      )}
      {account === null && (
        <section class="card">
          <h1>{t('home.pitchTitle')}</h1>
          <p>{t('home.pitch')}</p>
          <div class="row">
            <Link class="button primary" href="/app/signup">
              {t('common.signUp')}
            </Link>
            <Link class="button" href="/app/login">
              {t('common.logIn')}
            </Link>
          </div>
        </section>
      )}
      <section aria-labelledby="discover-title">
        <h2 id="discover-title">{t('home.public')}</h2>
        {discover === null ? (
          <p class="muted">{t('common.loading')}</p>
        ) : (
          <ul style={{ padding: 0, listStyle: 'none' }}>
            {discover
              .filter((c) => !mySlugs.has(c.slug))
              .map((c) => (
                <ChannelRow key={c.id} channel={c} />
              ))}
          </ul>
        )}
      </section>
    </main>
  )
}
