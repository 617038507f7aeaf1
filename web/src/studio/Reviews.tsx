import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { me } from '../app/session.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { fromLocalInput, localLabel, utcLabel } from './datetime.js'
import { canApprove, canPost } from './roles.js'
import { postTitle } from './Schedule.js'
import { ChannelPending, StudioNav, useChannel } from './StudioNav.js'
import type { Production, StudioPost } from './studio-types.js'
import { tagsSummary } from './tags.js'
import { DateTimeField } from './WhenPicker.js'

/** "Goes out as soon as approved", or the time the author asked for, in local time and UTC. */
function wantedTime(post: StudioPost): string {
  if (!post.publishAt) return t('studio.reviews.asap')
  const ms = Date.parse(post.publishAt)
  return t('studio.reviews.askedFor', { local: localLabel(ms), utc: utcLabel(ms) })
}

/**
 * The review queue (sign-off: draft → review → approve → scheduled or published). Owners and
 * admins see every post in review, oldest first, and approve it — as asked, now, or at another
 * time — or return it with a comment; creators see their own submissions and may withdraw them.
 */
export function Reviews({ slug }: { slug: string }) {
  const { channel, error: loadError } = useChannel(slug)
  const [items, setItems] = useState<StudioPost[] | null>(null)
  const role = channel?.viewer?.role
  const action = useAction({ after: () => load() })
  const load = () =>
    api.get<{ items: StudioPost[] }>(channelPath(slug, '/reviews?limit=100')).then(
      (r) => setItems(r.items),
      (e: unknown) => action.setError(e),
    )
  useEffect(() => {
    if (canPost(role)) void load()
  }, [slug, role])

  if (loadError || !channel) return <ChannelPending error={loadError} />
  const production = (channel.production ?? null) as Production | null
  const approver = canApprove(role)
  return (
    <main id="main" class="stack wide">
      <StudioNav slug={slug} current="reviews" role={role ?? null} />
      <h1>{t('studio.nav.reviews')}</h1>
      <p class="muted">
        {channel.requireApproval ? t('studio.reviews.required') : t('studio.reviews.optional')}
      </p>
      {!canPost(role) && <p class="notice">{t('studio.reviews.notAllowed')}</p>}
      <ErrorBox error={action.error} />
      {items?.length === 0 && <p class="muted">{t('studio.reviews.none')}</p>}
      <ul class="schedule-list" aria-label={t('studio.reviews.list')}>
        {(items ?? []).map((p) => (
          <li class="card schedule-item" key={p.id} data-post={p.id} data-status={p.status}>
            <p class="status-pill in_review">
              {t('studio.reviews.inReview')} · {wantedTime(p)}
            </p>
            <h2 class="schedule-title">{postTitle(p)}</h2>
            <p class="small muted">
              {t('studio.schedule.by', { handle: p.author.handle })}
              {p.review?.submittedAt &&
                ` · ${t('studio.reviews.submitted', { when: localLabel(Date.parse(p.review.submittedAt)) })}`}
              {tagsSummary(p.production, production) && ` · ${tagsSummary(p.production, production)}`}
            </p>
            {approver ? (
              <ReviewActions slug={slug} post={p} busy={action.busy} run={action.run} />
            ) : (
              p.author.handle === me.value?.handle && (
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() => action.run(() => api.delete(channelPath(slug, `/posts/${p.id}/review`)))}
                >
                  {t('studio.reviews.withdraw')}
                </button>
              )
            )}
          </li>
        ))}
      </ul>
      <p class="small">
        <Link href={`/app/studio/${encodeURIComponent(slug)}/schedule`}>{t('studio.nav.schedule')}</Link>{' '}
        {t('studio.reviews.draftsHint')}
      </p>
    </main>
  )
}

function ReviewActions({
  slug,
  post,
  busy,
  run,
}: {
  slug: string
  post: StudioPost
  busy: boolean
  run: (fn: () => Promise<unknown>) => Promise<boolean>
}) {
  const [mode, setMode] = useState<'idle' | 'return' | 'time'>('idle')
  const [comment, setComment] = useState('')
  const [at, setAt] = useState('')
  const path = (action: string) => channelPath(slug, `/posts/${encodeURIComponent(post.id)}/${action}`)
  const missingAlt = (post.media ?? []).filter((m) => m.alt.trim() === '').length
  const approve = (body: Record<string, unknown>) => {
    const warning = t('studio.reviews.noAlt', { count: missingAlt })
    if (missingAlt > 0 && !window.confirm(warning)) return
    void run(() => api.post(path('approve'), body))
  }
  const id = `review-${post.id}`
  return (
    <div class="stack">
      <div class="row">
        <button type="button" class="primary" disabled={busy} onClick={() => approve({})}>
          {post.publishAt ? t('studio.reviews.approveAsked') : t('studio.reviews.approvePublish')}
        </button>
        {post.publishAt && (
          <button type="button" disabled={busy} onClick={() => approve({ publishAt: null })}>
            {t('studio.reviews.approveNow')}
          </button>
        )}
        <button type="button" disabled={busy} onClick={() => setMode(mode === 'time' ? 'idle' : 'time')}>
          {t('studio.reviews.approveOther')}
        </button>
        <button type="button" disabled={busy} onClick={() => setMode(mode === 'return' ? 'idle' : 'return')}>
          {t('studio.reviews.returnWith')}
        </button>
      </div>
      {mode === 'time' && (
        <div class="row">
          <DateTimeField id={`${id}-at`} label={t('studio.when.publishAt')} value={at} onChange={setAt} />
          <button
            type="button"
            disabled={busy || fromLocalInput(at) === null}
            onClick={() => approve({ publishAt: new Date(fromLocalInput(at)!).toISOString() })}
          >
            {t('studio.reviews.approveThis')}
          </button>
        </div>
      )}
      {mode === 'return' && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault()
            void run(() => api.post(path('return'), { comment }))
          }}
        >
          <label for={`${id}-comment`}>{t('studio.reviews.comment')}</label>
          <textarea
            id={`${id}-comment`}
            rows={3}
            maxLength={1000}
            required
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <div class="row">
            <button type="submit" disabled={busy || comment.trim() === ''}>
              {t('studio.reviews.returnToAuthor')}
            </button>
          </div>
        </form>
      )}
    </div>
  )
}
