import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import { navigate } from '../app/router.js'
import type { Poll, Post } from '../app/types.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { PostCard } from '../components/PostCard.js'
import { type AlbumEdit, AlbumEditor, albumPatch, toAlbumEdit } from './AlbumEditor.js'
import { AnswersPanel } from './AnswersPanel.js'
import { PostTagsCard } from './PostTagsCard.js'
import { PressKitLinks } from './PressKitLinks.js'
import { canAdminister } from './roles.js'
import { StudioNav, useChannel } from './StudioNav.js'
import { useList } from './use-list.js'

interface Revision {
  revision: number
  editor: { handle: string; displayName: string }
  snapshot: {
    text: string
    spoiler: boolean
    spoilerLabel: string | null
    silent: boolean
    media?: { id: string; alt: string; spoiler: boolean }[]
  }
  createdAt: string
}
interface Stats {
  views: { members: number; anonymous: number; total: number }
  reactions: { total: number; byEmoji: { emoji: string; count: number }[] }
  poll: { totalVoters: number; votes: number[]; closed: boolean } | null
  answers: { total: number; highlighted: number; hidden: number } | null
}
interface Reactor {
  handle: string
  displayName: string
  emoji: string
  reactedAt: string
}

/** Staff view of one post: edit, pin, delete, close a poll, edit history, stats, who reacted, answers. */
export function StaffPostView({ slug, id }: { slug: string; id: string }) {
  const path = channelPath(slug, `/posts/${encodeURIComponent(id)}`)
  const [post, setPost] = useState<Post | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const [stats, setStats] = useState<Stats | null>(null)
  const [history, setHistory] = useState<Revision[] | null>(null)
  const reactors = useList<Reactor>(`${path}/reactions`)
  const action = useAction()
  const { channel } = useChannel(slug)

  const refresh = () => {
    api.get<Post>(path).then(setPost, setLoadError)
    api.get<Stats>(`${path}/stats`).then(setStats, () => setStats(null))
    api.get<{ items: Revision[] }>(`${path}/history`).then(
      (h) => setHistory(h.items),
      () => setHistory(null),
    )
  }
  useEffect(refresh, [path])

  if (loadError)
    return (
      <main id="main">
        <StudioNav slug={slug} current="post" />
        <ErrorBox error={loadError} />
      </main>
    )
  if (!post)
    return (
      <main id="main" aria-busy="true">
        <p class="muted">{t('common.loading')}</p>
      </main>
    )

  const pin = () =>
    action.run(async () =>
      setPost(await (post.pinned ? api.delete<Post>(`${path}/pin`) : api.put<Post>(`${path}/pin`))),
    )
  const remove = () =>
    action.run(async () => {
      if (!window.confirm(t('studio.staff.deleteConfirm'))) return
      await api.delete(path)
      navigate(`/app/c/${encodeURIComponent(slug)}`)
    })
  const removePreview = () =>
    action.run(async () => {
      await api.delete(`${path}/link-preview`)
      setPost({ ...post, linkPreview: null })
    })
  const closePoll = () =>
    action.run(async () => {
      const res = await api.post<{ poll: Poll }>(`${path}/poll/close`)
      setPost({ ...post, poll: res.poll })
    })

  return (
    <main id="main" class="stack wide">
      <StudioNav slug={slug} current="post" />
      <h1>{t('studio.staff.title')}</h1>
      <PostCard post={post} canInteract={false} onChange={setPost} onRemovePreview={removePreview} />
      <div class="row">
        <button type="button" onClick={pin} disabled={action.busy}>
          {post.pinned ? t('studio.staff.unpin') : t('studio.staff.pin')}
        </button>
        {post.poll && !post.poll.closed && (
          <button type="button" onClick={closePoll} disabled={action.busy}>
            {t('studio.staff.closePoll')}
          </button>
        )}
        <button type="button" class="danger" onClick={remove} disabled={action.busy}>
          {t('common.delete')}
        </button>
      </div>
      <ErrorBox error={action.error} />
      <EditForm
        path={path}
        post={post}
        onSaved={(p) => {
          setPost(p)
          refresh()
        }}
      />
      <PostTagsCard key={post.id} slug={slug} path={path} post={post} onSaved={setPost} />
      {canAdminister(channel?.viewer?.role) && (post.media?.length ?? 0) > 0 && <PressKitLinks path={path} />}
      {stats && (
        <section class="card" aria-labelledby="stats-title">
          <h2 id="stats-title">{t('studio.staff.reach')}</h2>
          <p>
            {t('studio.staff.views', {
              count: stats.views.total,
              members: stats.views.members,
              visitors: stats.views.anonymous,
            })}{' '}
            · {t('studio.staff.reactions', { count: stats.reactions.total })}
            {stats.poll ? ` · ${t('studio.staff.voters', { count: stats.poll.totalVoters })}` : ''}
            {stats.answers ? ` · ${t('studio.staff.answers', { count: stats.answers.total })}` : ''}
          </p>
          <p>{stats.reactions.byEmoji.map((r) => `${r.emoji} ${r.count}`).join('  ')}</p>
        </section>
      )}
      <section class="card" aria-labelledby="reactors-title">
        <h2 id="reactors-title">{t('studio.staff.whoReacted')}</h2>
        <ErrorBox error={reactors.error} />
        {reactors.items?.length === 0 && <p class="muted small">{t('studio.staff.noReactions')}</p>}
        <ul>
          {(reactors.items ?? []).map((r) => (
            <li key={r.handle}>
              {r.emoji} {r.displayName}{' '}
              <span class="muted small">
                @{r.handle} · {fullTime(r.reactedAt)}
              </span>
            </li>
          ))}
        </ul>
        {reactors.hasMore && (
          <button type="button" onClick={() => void reactors.more()}>
            {t('studio.staff.more')}
          </button>
        )}
      </section>
      {post.prompt && <AnswersPanel path={path} />}
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">{t('studio.staff.history')}</h2>
        {history === null || history.length === 0 ? (
          <p class="muted small">{t('studio.staff.notEdited')}</p>
        ) : (
          <ol>
            {history.map((h) => (
              <li key={h.revision}>
                <p class="small muted">
                  {t('studio.staff.revision', {
                    n: h.revision,
                    editor: h.editor.displayName,
                    when: fullTime(h.createdAt),
                  })}
                  {h.snapshot.spoiler
                    ? ` · ${h.snapshot.spoilerLabel ? t('spoiler.labelled', { label: h.snapshot.spoilerLabel }) : t('spoiler.plain')}`
                    : ''}
                  {h.snapshot.media
                    ? ` · ${t('studio.staff.photos', { count: h.snapshot.media.length })}`
                    : ''}
                </p>
                <p class="post-text">{h.snapshot.text}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </main>
  )
}

function EditForm({ path, post, onSaved }: { path: string; post: Post; onSaved: (p: Post) => void }) {
  const [text, setText] = useState(post.text)
  const [spoiler, setSpoiler] = useState(post.spoiler)
  const [label, setLabel] = useState(post.spoilerLabel ?? '')
  const [album, setAlbum] = useState<AlbumEdit[] | null>(() =>
    post.media?.length ? toAlbumEdit(post.media) : null,
  )
  const action = useAction()
  const save = (e: Event) => {
    e.preventDefault()
    const body: Record<string, unknown> = {
      spoiler,
      spoilerLabel: spoiler && label.trim() ? label.trim() : null,
    }
    if (text.trim() !== post.text) body.text = text
    if (album) body.media = albumPatch(album)
    void action.run(async () => onSaved(await api.patch<Post>(path, body)))
  }
  return (
    <form class="card" onSubmit={save} aria-labelledby="edit-title">
      <h2 id="edit-title">{t('studio.schedule.edit')}</h2>
      <div class="field">
        <label for="edit-text">{t('studio.composer.text')}</label>
        <textarea
          id="edit-text"
          maxLength={4096}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label class="inline">
          <input type="checkbox" checked={spoiler} onChange={(e) => setSpoiler(e.currentTarget.checked)} />{' '}
          {t('spoiler.plain')}
        </label>
      </div>
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
      <ErrorBox error={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>
        {t('studio.post.saveChanges')}
      </button>
    </form>
  )
}
