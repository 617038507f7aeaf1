import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { navigate } from '../app/router.js'
import { me } from '../app/session.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { type AlbumEdit, AlbumEditor, albumPatch, toAlbumEdit } from './AlbumEditor.js'
import { defaultScheduleInput, fromLocalInput, toLocalInput } from './datetime.js'
import { PressKitLinks } from './PressKitLinks.js'
import { PreviewLinks } from './PreviewLinks.js'
import { canAdminister, canEditPost } from './roles.js'
import { postTitle, statusLine } from './Schedule.js'
import { StudioNav, useChannel } from './StudioNav.js'
import type { Production, StudioPost } from './studio-types.js'
import { TagsFields } from './TagsFields.js'
import { type TagsDraft, tagsBody, toTagsDraft } from './tags.js'
import { DateTimeField } from './WhenPicker.js'

/**
 * One draft or scheduled post: edit its text, photos and tags; schedule, move or cancel its time;
 * publish now; delete; and its press preview links.
 */
export function ScheduledPost({ slug, id }: { slug: string; id: string }) {
  const { channel, error: loadError } = useChannel(slug)
  const [post, setPost] = useState<StudioPost | null>(null)
  const [error, setError] = useState<unknown>(null)
  const path = channelPath(slug, `/posts/${encodeURIComponent(id)}`)
  useEffect(() => {
    api.get<StudioPost>(path).then(setPost, setError)
  }, [path])

  if (loadError || error)
    return (
      <main id="main">
        <ErrorBox error={loadError ?? error} />
      </main>
    )
  if (!channel || !post)
    return (
      <main id="main" aria-busy="true">
        <p class="muted">{t('common.loading')}</p>
      </main>
    )
  const role = channel.viewer?.role ?? null
  const base = `/app/studio/${encodeURIComponent(slug)}`
  return (
    <main id="main" class="stack">
      <StudioNav slug={slug} current="schedule" role={role} />
      <p>
        <Link href={`${base}/schedule`}>← {t('studio.nav.schedule')}</Link>
      </p>
      <h1>{postTitle(post)}</h1>
      <p class={`status-pill ${post.status}`} data-status={post.status}>
        {post.status === 'published' ? t('studio.post.published') : statusLine(post)}
      </p>
      {post.status === 'published' ? (
        <p class="notice">
          {t('studio.post.isPublished')}{' '}
          <Link href={`${base}/p/${encodeURIComponent(post.id)}`}>{t('studio.post.openStaff')}</Link>
        </p>
      ) : !canEditPost(role, post.author.handle, me.value?.handle) ? (
        <p class="notice">{t('studio.post.authorOnly')}</p>
      ) : (
        <>
          <ContentForm
            key={post.revision}
            post={post}
            path={path}
            production={(channel.production ?? null) as Production | null}
            onSaved={setPost}
          />
          <TimingCard post={post} path={path} onSaved={setPost} listPath={`${base}/schedule`} />
          <PreviewLinks path={path} />
          {canAdminister(role) && (post.media?.length ?? 0) > 0 && <PressKitLinks path={path} />}
        </>
      )}
    </main>
  )
}

function sameTags(a: TagsDraft, b: TagsDraft): boolean {
  return JSON.stringify(tagsBody(a)) === JSON.stringify(tagsBody(b))
}

/** Text, spoiler, photos and production tags; saved with one button (PATCH, then the tags). */
function ContentForm({
  post,
  path,
  production,
  onSaved,
}: {
  post: StudioPost
  path: string
  production: Production | null
  onSaved: (p: StudioPost) => void
}) {
  const [text, setText] = useState(post.text)
  const [spoiler, setSpoiler] = useState(post.spoiler)
  const [label, setLabel] = useState(post.spoilerLabel ?? '')
  const [album, setAlbum] = useState<AlbumEdit[] | null>(() =>
    post.media?.length ? toAlbumEdit(post.media) : null,
  )
  const initialTags = toTagsDraft(post.production)
  const [tags, setTags] = useState<TagsDraft>(initialTags)
  const [saved, setSaved] = useState(false)
  const action = useAction()

  const save = async (e: Event) => {
    e.preventDefault()
    setSaved(false)
    const ok = await action.run(async () => {
      const body: Record<string, unknown> = {}
      if (text.trim() !== post.text) body.text = text
      if (spoiler !== post.spoiler) body.spoiler = spoiler
      const newLabel = spoiler && label.trim() ? label.trim() : null
      if (newLabel !== post.spoilerLabel) body.spoilerLabel = newLabel
      if (album) body.media = albumPatch(album)
      let next = post
      if (Object.keys(body).length > 0) next = await api.patch<StudioPost>(path, body)
      if (!sameTags(tags, initialTags)) {
        const production = tagsBody(tags)
        next = production
          ? await api.put<StudioPost>(`${path}/production`, production)
          : await api.delete<StudioPost>(`${path}/production`)
      }
      onSaved(next)
    })
    setSaved(ok)
  }

  return (
    <form class="card" onSubmit={save} aria-labelledby="content-title">
      <h2 id="content-title">{t('studio.post.content')}</h2>
      <div class="field">
        <label for="edit-text">{t('studio.composer.text')}</label>
        <textarea
          id="edit-text"
          maxLength={4096}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </div>
      <label class="inline">
        <input type="checkbox" checked={spoiler} onChange={(e) => setSpoiler(e.currentTarget.checked)} />{' '}
        {t('studio.composer.spoiler')}
      </label>
      {spoiler && (
        <div class="field">
          <label for="edit-label">{t('studio.post.spoilerLabel')}</label>
          <input
            id="edit-label"
            type="text"
            maxLength={60}
            value={label}
            onInput={(e) => setLabel(e.currentTarget.value)}
          />
        </div>
      )}
      {album && <AlbumEditor items={album} onChange={setAlbum} />}
      <TagsFields production={production} value={tags} onChange={setTags} idPrefix="edit-tags" />
      <ErrorBox error={action.error} title={t('studio.composer.notSaved')} />
      {saved && (
        <p role="status" class="small ok-text">
          {t('common.saved')}
        </p>
      )}
      <button type="submit" class="primary" disabled={action.busy}>
        {t('studio.post.saveChanges')}
      </button>
    </form>
  )
}

/** Schedule a draft, move or cancel a schedule, publish now (warning about missing alt text), delete. */
function TimingCard({
  post,
  path,
  onSaved,
  listPath,
}: {
  post: StudioPost
  path: string
  onSaved: (p: StudioPost) => void
  listPath: string
}) {
  const [at, setAt] = useState(() =>
    post.publishAt ? toLocalInput(Date.parse(post.publishAt)) : defaultScheduleInput(),
  )
  // Set while the alt-text warning waits for "add it" or "go ahead" (publish now or schedule).
  const [altWarning, setAltWarning] = useState<'publish' | 'schedule' | null>(null)
  const action = useAction()
  const missing = (post.media ?? []).filter((m) => m.alt.trim() === '').length
  const isScheduled = post.status === 'scheduled'

  const schedule = (confirmed: boolean) => {
    if (!confirmed && missing > 0) return setAltWarning('schedule')
    setAltWarning(null)
    const ms = fromLocalInput(at)
    if (ms === null) return action.setError(new Error(t('studio.composer.pickTime')))
    if (ms <= Date.now()) return action.setError(new Error(t('studio.post.pastTime')))
    void action.run(async () =>
      onSaved(await api.put<StudioPost>(`${path}/schedule`, { publishAt: new Date(ms).toISOString() })),
    )
  }
  const publish = (confirmed: boolean) => {
    if (!confirmed && missing > 0) return setAltWarning('publish')
    setAltWarning(null)
    void action.run(async () => {
      const published = await api.post<StudioPost>(`${path}/publish`)
      navigate(`${listPath.replace(/\/schedule$/, '')}/p/${encodeURIComponent(published.id)}`)
    })
  }
  const remove = () => {
    if (!window.confirm(t('studio.post.deleteConfirm'))) return
    void action.run(async () => {
      await api.delete(path)
      navigate(listPath)
    })
  }

  return (
    <section class="card" aria-labelledby="timing-title">
      <h2 id="timing-title">{t('studio.when.legend')}</h2>
      <DateTimeField id="schedule-at" label={t('studio.when.publishAt')} value={at} onChange={setAt} />
      <div class="row">
        <button type="button" class="primary" disabled={action.busy} onClick={() => schedule(false)}>
          {isScheduled ? t('studio.post.move') : t('studio.composer.submit.schedule')}
        </button>
        {isScheduled && (
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => onSaved(await api.delete<StudioPost>(`${path}/schedule`)))
            }
          >
            {t('studio.post.unschedule')}
          </button>
        )}
      </div>
      {altWarning && (
        <div class="error-box" role="alert">
          <p>
            <strong>{t('studio.composer.noAlt', { count: missing })}</strong> {t('studio.composer.noAltWhy')}{' '}
            {t('studio.post.addUnderContent')}
          </p>
          <div class="row">
            <button type="button" onClick={() => setAltWarning(null)}>
              {t('studio.composer.addAlt')}
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => (altWarning === 'publish' ? publish(true) : schedule(true))}
            >
              {altWarning === 'publish'
                ? t('studio.composer.publishAnyway')
                : t('studio.composer.scheduleAnyway')}
            </button>
          </div>
        </div>
      )}
      <ErrorBox error={action.error} />
      <div class="row action-row">
        <button type="button" disabled={action.busy} onClick={() => publish(false)}>
          {t('studio.when.now')}
        </button>
        <span class="spacer" />
        <button type="button" class="danger" disabled={action.busy} onClick={remove}>
          {t('studio.post.delete')}
        </button>
      </div>
    </section>
  )
}
