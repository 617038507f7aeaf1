import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { me } from '../app/session.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { localLabel, utcLabel } from './datetime.js'
import { canEditPost, canPost, mustSubmitForReview } from './roles.js'
import { ChannelPending, StudioNav, useChannel } from './StudioNav.js'
import type { Production, StudioPost } from './studio-types.js'
import { tagsSummary } from './tags.js'

/** A post's first line for lists, or its kind when it has no text. */
export function postTitle(post: StudioPost): string {
  const line = post.text.split('\n')[0]?.trim()
  if (line) return line.length > 90 ? `${line.slice(0, 89)}…` : line
  if (post.kind === 'poll') return post.poll?.question || t('poll.poll')
  if (post.kind === 'prompt') return post.prompt?.question || t('studio.composer.kind.prompt')
  return post.media?.length
    ? t('studio.schedule.albumOf', { n: post.media.length })
    : t('studio.schedule.untitled')
}

/** "Album · 3 photos", "Poll"… */
function kindLabel(post: StudioPost): string {
  return post.kind === 'album'
    ? t('studio.schedule.albumPhotos', { count: post.media?.length ?? 0 })
    : t(`studio.schedule.kind.${post.kind}`)
}

/** "Scheduled for Mon 7 Dec, 16:00 · 2026-12-07 15:00 UTC", or "Draft". */
export function statusLine(post: StudioPost): string {
  if (post.status === 'scheduled' && post.publishAt) {
    const ms = Date.parse(post.publishAt)
    return t('studio.schedule.scheduledFor', { local: localLabel(ms), utc: utcLabel(ms) })
  }
  return t('studio.schedule.draft')
}

/**
 * "Scheduled & drafts": the channel's scheduled posts by time, then its drafts, newest first
 * (`GET …/schedule`), each with edit, publish now and delete for whoever may edit it.
 */
export function Schedule({ slug }: { slug: string }) {
  const { channel, error: loadError } = useChannel(slug)
  const [items, setItems] = useState<StudioPost[] | null>(null)
  const action = useAction()
  const load = () =>
    api.get<{ items: StudioPost[] }>(channelPath(slug, '/schedule')).then(
      (r) => setItems(r.items),
      (e: unknown) => action.setError(e),
    )
  const role = channel?.viewer?.role
  useEffect(() => {
    if (canPost(role)) void load()
  }, [slug, role])

  if (loadError || !channel) return <ChannelPending error={loadError} />
  const production = (channel.production ?? null) as Production | null
  const postPath = (p: StudioPost) => channelPath(slug, `/posts/${encodeURIComponent(p.id)}`)
  const publishNow = (p: StudioPost) => {
    // The composer's alt-text warning, as a dialog: the list has no room for the alt text fields.
    const missing = (p.media ?? []).filter((m) => m.alt.trim() === '').length
    const warning = t('studio.schedule.noAlt', { count: missing })
    if (missing > 0 && !window.confirm(warning)) return
    void action
      .run(() => api.post(`${postPath(p)}/publish`))
      .then((ok) => {
        if (ok) void load()
      })
  }
  const reviewMode = mustSubmitForReview(channel.requireApproval, role)
  const submitForReview = (p: StudioPost) => {
    void action
      .run(() => api.post(`${postPath(p)}/review`, p.publishAt ? { publishAt: p.publishAt } : {}))
      .then((ok) => {
        if (ok) void load()
      })
  }
  const remove = (p: StudioPost) => {
    if (!window.confirm(t('studio.schedule.deleteConfirm', { title: postTitle(p) }))) return
    void action
      .run(() => api.delete(postPath(p)))
      .then((ok) => {
        if (ok) void load()
      })
  }
  const base = `/app/studio/${encodeURIComponent(slug)}`
  return (
    <main id="main" class="stack wide">
      <StudioNav slug={slug} current="schedule" role={role ?? null} />
      <h1>{t('studio.nav.schedule')}</h1>
      {!canPost(role) && <p class="notice">{t('studio.schedule.notAllowed')}</p>}
      <ErrorBox error={action.error} />
      {items?.length === 0 && (
        <p class="muted">
          {t('studio.schedule.empty')} <Link href={base}>{t('studio.schedule.write')}</Link>{' '}
          {t('studio.schedule.emptyHow')}
        </p>
      )}
      <ul class="schedule-list" aria-label={t('studio.schedule.list')}>
        {(items ?? []).map((p) => {
          const editable = canEditPost(role, p.author.handle, me.value?.handle)
          const tags = tagsSummary(p.production, production)
          return (
            <li class="card schedule-item" key={p.id} data-post={p.id} data-status={p.status}>
              <p class={`status-pill ${p.status}`}>{statusLine(p)}</p>
              <h2 class="schedule-title">{postTitle(p)}</h2>
              {p.review?.state === 'returned' && p.review.comment && (
                <p class="notice" data-returned>
                  {t('studio.schedule.returned', { handle: p.review.by?.handle, comment: p.review.comment })}
                </p>
              )}
              <p class="small muted">
                {kindLabel(p)} · {t('studio.schedule.by', { handle: p.author.handle })}
                {tags && ` · ${tags}`}
              </p>
              {editable ? (
                <div class="row">
                  <Link class="button" href={`${base}/schedule/${encodeURIComponent(p.id)}`}>
                    {t('studio.schedule.edit')}
                  </Link>
                  {reviewMode ? (
                    <button type="button" disabled={action.busy} onClick={() => submitForReview(p)}>
                      {t('studio.composer.submit.review')}
                    </button>
                  ) : (
                    <button type="button" disabled={action.busy} onClick={() => publishNow(p)}>
                      {t('studio.when.now')}
                    </button>
                  )}
                  <span class="spacer" />
                  <button type="button" class="danger" disabled={action.busy} onClick={() => remove(p)}>
                    {t('common.delete')}
                  </button>
                </div>
              ) : (
                <p class="small muted">{t('studio.schedule.authorOnly')}</p>
              )}
            </li>
          )
        })}
      </ul>
    </main>
  )
}
