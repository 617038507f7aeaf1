import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { plural } from '../app/format.js'
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
  if (post.kind === 'poll') return post.poll?.question || 'Poll'
  if (post.kind === 'prompt') return post.prompt?.question || 'Question to fans'
  return post.media?.length ? `Album of ${post.media.length}` : 'Untitled post'
}

const KINDS: Record<StudioPost['kind'], string> = {
  text: 'Text',
  album: 'Album',
  poll: 'Poll',
  prompt: 'Question to fans',
}

/** "Album · 3 photos", "Poll"… */
function kindLabel(post: StudioPost): string {
  return post.kind === 'album' ? `Album · ${plural(post.media?.length ?? 0, 'photo')}` : KINDS[post.kind]
}

/** "Scheduled for Mon 7 Dec, 16:00 · 2026-12-07 15:00 UTC", or "Draft". */
export function statusLine(post: StudioPost): string {
  if (post.status === 'scheduled' && post.publishAt) {
    const ms = Date.parse(post.publishAt)
    return `Scheduled for ${localLabel(ms)} · ${utcLabel(ms)}`
  }
  return 'Draft'
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
    const warning = `${missing} photo${missing === 1 ? ' has' : 's have'} no alt text, so people using screen readers won’t know what ${missing === 1 ? 'it shows' : 'they show'}. Publish anyway?`
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
    if (!window.confirm(`Delete “${postTitle(p)}”? This cannot be undone.`)) return
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
      <h1>Scheduled &amp; drafts</h1>
      {!canPost(role) && (
        <p class="notice">Only the channel’s owner, admins and creators see unpublished posts.</p>
      )}
      <ErrorBox error={action.error} />
      {items?.length === 0 && (
        <p class="muted">
          Nothing scheduled and no drafts. <Link href={base}>Write a post</Link> and choose “Schedule” or
          “Save as draft”.
        </p>
      )}
      <ul class="schedule-list" aria-label="Scheduled posts and drafts">
        {(items ?? []).map((p) => {
          const editable = canEditPost(role, p.author.handle, me.value?.handle)
          const tags = tagsSummary(p.production, production)
          return (
            <li class="card schedule-item" key={p.id} data-post={p.id} data-status={p.status}>
              <p class={`status-pill ${p.status}`}>{statusLine(p)}</p>
              <h2 class="schedule-title">{postTitle(p)}</h2>
              {p.review?.state === 'returned' && p.review.comment && (
                <p class="notice" data-returned>
                  Returned by @{p.review.by?.handle}: “{p.review.comment}”
                </p>
              )}
              <p class="small muted">
                {kindLabel(p)} · by @{p.author.handle}
                {tags && ` · ${tags}`}
              </p>
              {editable ? (
                <div class="row">
                  <Link class="button" href={`${base}/schedule/${encodeURIComponent(p.id)}`}>
                    Edit
                  </Link>
                  {reviewMode ? (
                    <button type="button" disabled={action.busy} onClick={() => submitForReview(p)}>
                      Submit for review
                    </button>
                  ) : (
                    <button type="button" disabled={action.busy} onClick={() => publishNow(p)}>
                      Publish now
                    </button>
                  )}
                  <span class="spacer" />
                  <button type="button" class="danger" disabled={action.busy} onClick={() => remove(p)}>
                    Delete
                  </button>
                </div>
              ) : (
                <p class="small muted">Only its author or an admin can change it.</p>
              )}
            </li>
          )
        })}
      </ul>
    </main>
  )
}
