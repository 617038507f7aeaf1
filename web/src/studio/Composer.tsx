import { useEffect, useRef, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { navigate } from '../app/router.js'
import { me } from '../app/session.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { PostCard } from '../components/PostCard.js'
import { defaultScheduleInput, fromLocalInput, localLabel, utcLabel } from './datetime.js'
import { emptyPoll, PollBuilder } from './PollBuilder.js'
import { type ComposeDraft, type ComposeKind, createBody, previewPost } from './preview.js'
import { canPost, mustSubmitForReview } from './roles.js'
import { ChannelPending, StudioNav, useChannel } from './StudioNav.js'
import type { Production, StudioPost } from './studio-types.js'
import { TagsFields } from './TagsFields.js'
import { emptyTags, type TagsDraft, tagsBody } from './tags.js'
import { UploadList } from './UploadList.js'
import { MAX_PHOTOS, missingAlt, move, newItem, startUpload, type UploadItem } from './uploads.js'
import { type When, WhenPicker } from './WhenPicker.js'
import './studio.css'

const initialDraft: ComposeDraft = {
  kind: 'album',
  text: '',
  spoiler: false,
  spoilerLabel: '',
  silent: false,
  poll: emptyPoll,
  promptQuestion: '',
}

function newKey(): string {
  return `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/** The request body's `status`/`publishAt`, or an error to show when the time is missing or past. */
function whenBody(when: When, at: string): Record<string, unknown> | Error {
  if (when === 'draft') return { status: 'draft' }
  if (when === 'review') {
    // Saved as a draft, then submitted with the time it should go out (if one is picked).
    const ms = fromLocalInput(at)
    if (ms !== null && ms <= Date.now()) return new Error(t('studio.composer.pastTime'))
    return { status: 'draft', reviewAt: ms === null ? null : new Date(ms).toISOString() }
  }
  if (when === 'now') return {}
  const ms = fromLocalInput(at)
  if (ms === null) return new Error(t('studio.composer.pickTime'))
  if (ms <= Date.now()) return new Error(t('studio.composer.pastTime'))
  return { status: 'scheduled', publishAt: new Date(ms).toISOString() }
}

/** What the composer says once the server has the post. */
function doneMessage(post: StudioPost): string {
  if (post.status === 'draft') return t('studio.composer.done.draft')
  if (post.status === 'in_review') return t('studio.composer.done.review')
  if (post.status === 'scheduled' && post.publishAt) {
    const ms = Date.parse(post.publishAt)
    return t('studio.composer.done.scheduled', { local: localLabel(ms), utc: utcLabel(ms) })
  }
  return t('studio.composer.done.published')
}

/**
 * The creator's composer: text, up to 20 photos (uploaded at once, with progress), poll, quiz or
 * prompt, spoiler and silent flags, production tags, a preview as fans will see it, and publish
 * now, schedule or save as a draft. A failed request keeps everything typed and uploaded; the
 * Idempotency-Key makes a retry safe.
 */
export function Composer({ slug }: { slug: string }) {
  const { channel, error: loadError } = useChannel(slug)
  const [draft, setDraft] = useState<ComposeDraft>(initialDraft)
  const [items, setItems] = useState<UploadItem[]>([])
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [isPreview, setPreview] = useState(false)
  const [altWarning, setAltWarning] = useState(false)
  const [published, setPublished] = useState<StudioPost | null>(null)
  const [tags, setTags] = useState<TagsDraft>(emptyTags)
  const [when, setWhen] = useState<When>('now')
  // A creator in a channel that requires approval submits for review: that is their default.
  useEffect(() => {
    if (channel && mustSubmitForReview(channel.requireApproval, channel.viewer?.role)) {
      setWhen('review')
      setAt('') // no time asked for unless the creator picks one: out as soon as approved
    }
  }, [channel])
  const [at, setAt] = useState(defaultScheduleInput)
  const key = useRef(newKey())
  const set = (patch: Partial<ComposeDraft>) => setDraft((d) => ({ ...d, ...patch }))

  useEffect(
    () => () => {
      for (const i of items) URL.revokeObjectURL(i.previewUrl)
    },
    [],
  )

  const update = (k: string, patch: Partial<UploadItem>) =>
    setItems((list) => list.map((i) => (i.key === k ? { ...i, ...patch } : i)))
  const pick = (files: File[]) => {
    setError(null)
    const room = MAX_PHOTOS - items.length
    if (files.length > room)
      setError(new Error(t('studio.composer.tooMany', { max: MAX_PHOTOS, n: files.length - room })))
    const added = files.slice(0, Math.max(0, room)).map(newItem)
    setItems((list) => [...list, ...added])
    for (const item of added) startUpload(item, update, slug)
  }
  const remove = (k: string) =>
    setItems((list) => {
      const item = list.find((i) => i.key === k)
      if (item) {
        item.abort?.()
        URL.revokeObjectURL(item.previewUrl)
      }
      return list.filter((i) => i.key !== k)
    })

  if (loadError || !channel) return <ChannelPending error={loadError} />

  if (!canPost(channel.viewer?.role))
    return (
      <main id="main" class="stack">
        <StudioNav slug={slug} current="compose" role={channel.viewer?.role} />
        <p class="notice">{t('studio.composer.notAllowed')}</p>
      </main>
    )

  const production = (channel.production ?? null) as Production | null
  const photos = draft.kind === 'album' ? items : []
  const reviewMode = mustSubmitForReview(channel.requireApproval, channel.viewer?.role)
  const isUploading = photos.some((i) => i.status === 'uploading' || i.status === 'processing')
  const hasFailed = photos.some((i) => i.status === 'failed')

  const publish = async (confirmedAlt: boolean) => {
    setError(null)
    const timing = whenBody(when, at)
    if (timing instanceof Error) {
      setError(timing)
      return
    }
    // A draft is not public yet: the warning waits until it is published or scheduled.
    if (!confirmedAlt && when !== 'draft' && missingAlt(photos) > 0) {
      setAltWarning(true)
      return
    }
    setAltWarning(false)
    setBusy(true)
    try {
      const production = tagsBody(tags)
      const { reviewAt, ...release } = timing
      const body = { ...createBody(draft, photos), ...release, ...(production ? { production } : {}) }
      let post = await api.post<StudioPost>(channelPath(slug, '/posts'), body, {
        'idempotency-key': key.current,
      })
      if (when === 'review') {
        post = await api.post<StudioPost>(
          channelPath(slug, `/posts/${post.id}/review`),
          reviewAt ? { publishAt: reviewAt } : {},
        )
      }
      setPublished(post)
      for (const i of items) URL.revokeObjectURL(i.previewUrl)
      setItems([])
      setDraft(initialDraft)
      setTags(emptyTags)
      setWhen(reviewMode ? 'review' : 'now')
      setPreview(false)
      key.current = newKey()
    } catch (e) {
      setError(e) // draft and uploads stay as they are
    } finally {
      setBusy(false)
    }
  }

  const kinds: [ComposeKind, string][] = [
    ['album', t('studio.composer.kind.album')],
    ['poll', t('studio.composer.kind.poll')],
    ['prompt', t('studio.composer.kind.prompt')],
  ]
  return (
    <main id="main" class="stack">
      <StudioNav slug={slug} current="compose" role={channel.viewer?.role} />
      <h1>{t('studio.composer.title', { channel: channel.title })}</h1>
      {published && (
        <p class="notice" role="status">
          {doneMessage(published)}{' '}
          {published.status === 'published' ? (
            <a
              href={`/app/c/${encodeURIComponent(slug)}`}
              onClick={(e) => {
                e.preventDefault()
                navigate(`/app/c/${encodeURIComponent(slug)}`)
              }}
            >
              {t('studio.composer.seeIt')}
            </a>
          ) : (
            <Link
              href={`/app/studio/${encodeURIComponent(slug)}/schedule/${encodeURIComponent(published.id)}`}
            >
              {t('studio.composer.openIt')}
            </Link>
          )}
        </p>
      )}
      <fieldset class="tabs" style={{ border: 0, padding: 0 }}>
        <legend class="visually-hidden">{t('studio.composer.kindLegend')}</legend>
        {kinds.map(([k, label]) => (
          <button key={k} type="button" aria-pressed={draft.kind === k} onClick={() => set({ kind: k })}>
            {label}
          </button>
        ))}
      </fieldset>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault()
          void publish(false)
        }}
      >
        <div class="field">
          <label for="post-text">
            {draft.kind === 'album' ? t('studio.composer.text') : t('studio.composer.caption')}
          </label>
          <textarea
            id="post-text"
            maxLength={4096}
            value={draft.text}
            onInput={(e) => set({ text: e.currentTarget.value })}
          />
        </div>
        {draft.kind === 'album' && (
          <UploadList
            items={items}
            onPick={pick}
            onChange={update}
            onRemove={remove}
            onMove={(from, to) => setItems((l) => move(l, from, to))}
          />
        )}
        {draft.kind === 'poll' && <PollBuilder draft={draft.poll} onChange={(poll) => set({ poll })} />}
        {draft.kind === 'prompt' && (
          <div class="field">
            <label for="prompt-question">{t('studio.composer.kind.prompt')}</label>
            <input
              id="prompt-question"
              type="text"
              maxLength={300}
              value={draft.promptQuestion}
              onInput={(e) => set({ promptQuestion: e.currentTarget.value })}
            />
            <p class="hint">{t('studio.composer.promptHint')}</p>
          </div>
        )}
        <TagsFields production={production} value={tags} onChange={setTags} />
        <fieldset class="composer-options">
          <legend>{t('studio.composer.options')}</legend>
          <label class="inline">
            <input
              type="checkbox"
              checked={draft.spoiler}
              onChange={(e) => set({ spoiler: e.currentTarget.checked })}
            />{' '}
            {t('studio.composer.spoiler')}
          </label>
          {draft.spoiler && (
            <div class="field">
              <label for="spoiler-label">{t('studio.composer.spoilerLabel')}</label>
              <input
                id="spoiler-label"
                type="text"
                maxLength={60}
                value={draft.spoilerLabel}
                onInput={(e) => set({ spoilerLabel: e.currentTarget.value })}
              />
            </div>
          )}
          <label class="inline">
            <input
              type="checkbox"
              checked={draft.silent}
              onChange={(e) => set({ silent: e.currentTarget.checked })}
            />{' '}
            {t('studio.composer.silent')}
          </label>
        </fieldset>
        <WhenPicker
          review={reviewMode}
          when={when}
          at={at}
          onChange={(patch) => {
            if (patch.when) setWhen(patch.when)
            if (patch.at !== undefined) setAt(patch.at)
          }}
        />
        {altWarning && (
          <div class="error-box" role="alert">
            <p>
              <strong>{t('studio.composer.noAlt', { count: missingAlt(photos) })}</strong>{' '}
              {t('studio.composer.noAltWhy')}
            </p>
            <div class="row">
              <button type="button" onClick={() => setAltWarning(false)}>
                {t('studio.composer.addAlt')}
              </button>
              <button type="button" class="danger" onClick={() => void publish(true)}>
                {when === 'schedule'
                  ? t('studio.composer.scheduleAnyway')
                  : t('studio.composer.publishAnyway')}
              </button>
            </div>
          </div>
        )}
        <ErrorBox
          error={error}
          title={when === 'draft' ? t('studio.composer.notSaved') : t('studio.composer.notPublished')}
        />
        {hasFailed && <p class="warn small">{t('studio.composer.removeRefused')}</p>}
        <div class="row" style={{ marginTop: '12px' }}>
          <button type="button" aria-pressed={isPreview} onClick={() => setPreview(!isPreview)}>
            {isPreview ? t('studio.composer.hidePreview') : t('studio.composer.preview')}
          </button>
          <span class="spacer" />
          <button type="submit" class="primary" disabled={busy || isUploading || hasFailed}>
            {isUploading
              ? t('studio.composer.uploading')
              : busy
                ? t('studio.composer.saving')
                : t(`studio.composer.submit.${when}`)}
          </button>
        </div>
      </form>
      {isPreview && (
        <section aria-label={t('studio.composer.preview')}>
          <h2>{t('studio.composer.preview')}</h2>
          <PostCard
            post={previewPost(draft, photos, channel, me.value ?? null)}
            canInteract={false}
            preview
          />
        </section>
      )}
    </main>
  )
}
