import { useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { navigate } from '../app/router.js'
import { me } from '../app/session.js'
import { timelineHref } from '../app/tags.js'
import type { Channel, NotifyLevel, Viewer } from '../app/types.js'
import { Avatar } from '../components/Avatar.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { ReportButton } from '../components/ReportButton.js'

const CAN_POST = new Set(['owner', 'admin', 'creator'])
const CAN_MANAGE = new Set(['owner', 'admin', 'moderator'])

/** "Series · Season 2 · 8 chapters · filming from 2025-09-01 · 14 weeks", from what is known. */
export function factsOf(channel: Pick<Channel, 'production'>): string[] {
  const p = channel.production
  if (!p || typeof p !== 'object') return []
  const facts: string[] = []
  if (typeof p.kind === 'string' && p.kind !== 'other') facts.push(t(`channel.kind.${p.kind}`))
  if (typeof p.title === 'string' && p.title) facts.push(p.title)
  if (typeof p.season === 'number') facts.push(t('channel.season', { season: p.season }))
  if (Array.isArray(p.chapters) && p.chapters.length > 0) {
    // The chapter label is the team's own word ("Episode"): English adds an "s", Spanish cannot
    // inflect it and writes "Episodio: 8".
    facts.push(
      p.chapterLabel
        ? t('channel.chapterCount', { label: p.chapterLabel, count: p.chapters.length })
        : t('channel.chapters', { count: p.chapters.length }),
    )
  }
  if (typeof p.filmingStartsOn === 'string') facts.push(t('channel.filmingFrom', { date: p.filmingStartsOn }))
  if (typeof p.filmingWeeks === 'number') facts.push(t('channel.weeks', { count: p.filmingWeeks }))
  return facts
}

export function ChannelHeader(props: {
  channel: Channel
  onChange: (c: Channel) => void
  reload: () => void
}) {
  const { channel } = props
  const role = channel.viewer?.role ?? null
  const facts = factsOf(channel)
  return (
    <section class="card">
      <div class="channel-head">
        <Avatar channel={channel} />
        <div>
          <h1>{channel.title}</h1>
          <ul class="facts">
            <li>{t('channel.members', { count: channel.memberCount })}</li>
            <li>{t(`channel.visibility.${channel.visibility}`)}</li>
            {channel.archived && <li>{t('channel.archived')}</li>}
            {facts.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </div>
      </div>
      {channel.description && (
        <p class="post-text" style={{ marginTop: '8px' }}>
          {channel.description}
        </p>
      )}
      <p class="small" style={{ margin: '8px 0 0' }}>
        <Link href={timelineHref(channel.slug)}>{t('channel.timeline')}</Link>
        {' · '}
        <Link class="search-link" href={`/app/c/${encodeURIComponent(channel.slug)}/search`}>
          {t('search.button')}
        </Link>
        {me.value && (
          <>
            {' · '}
            <ReportButton
              slug={channel.slug}
              targets={[{ kind: 'channel', label: t('reports.targets.channel') }]}
            />
          </>
        )}
      </p>
      {role && (
        <nav class="row" aria-label={t('channel.studioNav')}>
          {CAN_POST.has(role) && (
            <Link class="button primary" href={`/app/studio/${encodeURIComponent(channel.slug)}`}>
              {t('channel.newPost')}
            </Link>
          )}
          {CAN_MANAGE.has(role) && (
            <Link class="button" href={`/app/studio/${encodeURIComponent(channel.slug)}/settings`}>
              {t('channel.manage')}
            </Link>
          )}
          <Link class="button" href={`/app/studio/${encodeURIComponent(channel.slug)}/analytics`}>
            {t('channel.analytics')}
          </Link>
        </nav>
      )}
      <Membership channel={channel} onChange={props.onChange} reload={props.reload} />
    </section>
  )
}

function Membership(props: { channel: Channel; onChange: (c: Channel) => void; reload: () => void }) {
  const { channel } = props
  const v = channel.viewer
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  const slug = channel.slug

  const run = async (fn: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await fn()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const setViewer = (patch: Partial<Viewer>) =>
    props.onChange({ ...channel, viewer: { ...(v as Viewer), ...patch } })

  if (me.value === null) {
    return (
      <p class="small" style={{ marginTop: '8px' }}>
        <Link href={`/app/login?next=${encodeURIComponent(`/app/c/${slug}`)}`}>{t('common.logIn')}</Link>{' '}
        {t('channel.logInTo')}
      </p>
    )
  }
  if (!v || v.isBanned) return null

  if (!v.isMember) {
    const pending = v.joinRequest?.status === 'pending'
    const join = () =>
      run(async () => {
        const body = channel.joinPolicy === 'request' && message.trim() ? { message: message.trim() } : {}
        await api.post(channelPath(slug, '/members'), body)
        props.reload()
      })
    if (channel.joinPolicy === 'invite') {
      return <p class="muted small">{t('channel.inviteOnly')}</p>
    }
    return (
      <div style={{ marginTop: '8px' }}>
        {pending ? (
          <p class="notice" role="status">
            {t('channel.requestPending')}
          </p>
        ) : (
          <>
            {channel.joinPolicy === 'request' && (
              <div class="field">
                <label for="join-message">{t('channel.requestMessage')}</label>
                <input
                  id="join-message"
                  type="text"
                  maxLength={500}
                  value={message}
                  onInput={(e) => setMessage(e.currentTarget.value)}
                />
              </div>
            )}
            <button type="button" class="primary" disabled={busy} onClick={join}>
              {channel.joinPolicy === 'request' ? t('channel.askToJoin') : t('join.submit')}
            </button>
          </>
        )}
        <ErrorBox error={error} />
      </div>
    )
  }

  const patch = (body: { muted?: boolean; notifyLevel?: NotifyLevel }) =>
    run(async () => {
      const m = await api.patch<{ muted: boolean; notifyLevel: NotifyLevel }>(
        channelPath(slug, '/members/me'),
        body,
      )
      setViewer({ muted: m.muted, notifyLevel: m.notifyLevel })
    })
  const leave = () =>
    run(async () => {
      if (!window.confirm(t('channel.leaveConfirm', { title: channel.title }))) return
      await api.delete(channelPath(slug, '/members/me'))
      if (channel.visibility === 'private') navigate('/')
      else props.reload()
    })

  return (
    <div class="row" style={{ marginTop: '8px' }}>
      <p class="small muted" style={{ width: '100%', margin: 0 }}>
        {v.role ? t('channel.memberAs', { role: t(`roles.${v.role}`) }) : t('channel.member')}
      </p>
      <label class="inline small" for="notify-level">
        {t('app.notifications')}
      </label>
      <select
        id="notify-level"
        style={{ width: 'auto' }}
        value={v.notifyLevel ?? 'all'}
        disabled={busy}
        onChange={(e) => patch({ notifyLevel: e.currentTarget.value as NotifyLevel })}
      >
        <option value="all">{t('channel.notify.all')}</option>
        <option value="highlights">{t('channel.notify.highlights')}</option>
        <option value="none">{t('channel.notify.none')}</option>
      </select>
      <button type="button" aria-pressed={v.muted} disabled={busy} onClick={() => patch({ muted: !v.muted })}>
        {v.muted ? t('channel.muted') : t('channel.mute')}
      </button>
      {v.role !== 'owner' && (
        <button type="button" disabled={busy} onClick={leave}>
          {t('channel.leave')}
        </button>
      )}
      <ErrorBox error={error} />
    </div>
  )
}
