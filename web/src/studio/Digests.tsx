import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import { weeksLabel } from '../app/tags.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { type DigestCandidates, digestCandidates } from './digest-preview.js'
import { PressKitLinks } from './PressKitLinks.js'
import { canAdminister, canPost } from './roles.js'
import { ChannelPending, StudioNav, useChannel } from './StudioNav.js'
import type { Digest, Production, TimelineWeek } from './studio-types.js'

const rangeText = (from: number, to: number) => weeksLabel({ from, to })

/**
 * Digests: build one from a range of filming weeks (title, intro, size) with a preview of the
 * posts it draws from, save it, post it to the channel, delete it; and the channel's digests.
 */
export function Digests({ slug }: { slug: string }) {
  const { channel, error: loadError } = useChannel(slug)
  const [digests, setDigests] = useState<Digest[] | null>(null)
  // One digest's press kit card open at a time (the card's fields have fixed ids).
  const [kitOf, setKitOf] = useState<string | null>(null)
  const action = useAction()
  const role = channel?.viewer?.role
  const load = () =>
    api.get<{ items: Digest[] }>(channelPath(slug, '/digests')).then(
      (r) => setDigests(r.items),
      (e: unknown) => action.setError(e),
    )
  useEffect(() => {
    if (canPost(role)) void load()
  }, [slug, role])

  if (loadError || !channel) return <ChannelPending error={loadError} />
  const digestPath = (d: Digest, rest = '') =>
    channelPath(slug, `/digests/${encodeURIComponent(d.id)}${rest}`)
  const postIt = (d: Digest) =>
    action
      .run(() => api.post(digestPath(d, '/post'), {}))
      .then((ok) => {
        if (ok) void load()
      })
  const remove = (d: Digest) => {
    if (!window.confirm(t('studio.digests.deleteConfirm', { title: d.title }))) return
    void action
      .run(() => api.delete(digestPath(d)))
      .then((ok) => {
        if (ok) void load()
      })
  }
  return (
    <main id="main" class="stack">
      <StudioNav slug={slug} current="digests" role={role ?? null} />
      <h1>{t('studio.nav.digests')}</h1>
      {!canPost(role) ? (
        <p class="notice">{t('studio.digests.notAllowed')}</p>
      ) : (
        <>
          <DigestBuilder
            slug={slug}
            production={(channel.production ?? null) as Production | null}
            onSaved={() => void load()}
          />
          <section aria-labelledby="digests-title" class="stack">
            <h2 id="digests-title">{t('studio.digests.list')}</h2>
            <ErrorBox error={action.error} />
            {digests?.length === 0 && <p class="muted small">{t('studio.digests.none')}</p>}
            {(digests ?? []).map((d) => (
              <article class="card digest" key={d.id} data-digest={d.id}>
                <h3>{d.title}</h3>
                <p class="small muted">
                  {d.rangeLabel} · {t('timeline.posts', { count: d.posts.length })} ·{' '}
                  {t('studio.digests.made', { when: fullTime(d.createdAt) })}
                  {d.linkedPostId && ` · ${t('studio.digests.posted')}`}
                </p>
                {d.intro && <p>{d.intro}</p>}
                <DigestPosts digest={d} />
                <div class="row">
                  <a class="button" href={d.url} target="_blank" rel="noopener">
                    {t('studio.digests.openPage')}
                  </a>
                  {!d.linkedPostId && (
                    <button
                      type="button"
                      class="primary"
                      disabled={action.busy}
                      onClick={() => void postIt(d)}
                    >
                      {t('studio.digests.post')}
                    </button>
                  )}
                  {canAdminister(role) && (
                    <button
                      type="button"
                      aria-expanded={kitOf === d.id}
                      onClick={() => setKitOf(kitOf === d.id ? null : d.id)}
                    >
                      {t(kitOf === d.id ? 'studio.digests.hidePressKit' : 'studio.digests.pressKit')}
                    </button>
                  )}
                  <span class="spacer" />
                  <button type="button" class="danger" disabled={action.busy} onClick={() => remove(d)}>
                    {t('common.delete')}
                  </button>
                </div>
                {kitOf === d.id && <PressKitLinks path={digestPath(d)} subject="digest" />}
              </article>
            ))}
          </section>
        </>
      )}
    </main>
  )
}

function DigestPosts({ digest }: { digest: Digest }) {
  if (digest.posts.length === 0) return <p class="small muted">{t('studio.digests.emptyRange')}</p>
  return (
    <ol class="digest-posts">
      {digest.posts.map((p) => (
        <li key={p.id}>
          <a href={p.url} target="_blank" rel="noopener">
            {p.title}
          </a>{' '}
          <span class="small muted">
            {fullTime(p.publishedAt)} · {t('studio.staff.reactions', { count: p.reactions })}
          </span>
        </li>
      ))}
    </ol>
  )
}

function DigestBuilder({
  slug,
  production,
  onSaved,
}: {
  slug: string
  production: Production | null
  onSaved: () => void
}) {
  const weeks = production?.filmingWeeks ?? null
  const [from, setFrom] = useState(weeks ? Math.max(1, weeks - 3) : 1)
  const [to, setTo] = useState(weeks ?? 1)
  const [title, setTitle] = useState('')
  const [intro, setIntro] = useState('')
  const [maxPosts, setMaxPosts] = useState(10)
  const [preview, setPreview] = useState<DigestCandidates | null>(null)
  const [saved, setSaved] = useState<Digest | null>(null)
  const action = useAction()
  const lo = Math.min(from, to)
  const hi = Math.max(from, to)
  const titleOrDefault = title.trim() || t('studio.digests.defaultTitle', { range: rangeText(lo, hi) })

  const showPreview = () =>
    void action.run(async () => {
      const timeline = await api.get<{ weeks: TimelineWeek[] }>(channelPath(slug, '/timeline'))
      setPreview(digestCandidates(timeline.weeks, lo, hi))
    })
  const save = (e: Event) => {
    e.preventDefault()
    void action.run(async () => {
      const body: Record<string, unknown> = { title: titleOrDefault, weeks: { from: lo, to: hi }, maxPosts }
      if (intro.trim()) body.intro = intro.trim()
      setSaved(await api.post<Digest>(channelPath(slug, '/digests'), body))
      setPreview(null)
      setTitle('')
      setIntro('')
      onSaved()
    })
  }
  const weekOptions = weeks ? Array.from({ length: weeks }, (_, i) => i + 1) : null
  const weekField = (id: string, label: string, value: number, set: (n: number) => void) => (
    <div class="field week-field">
      <label for={id}>{label}</label>
      {weekOptions ? (
        <select
          id={id}
          value={value}
          onChange={(e) => {
            set(Number(e.currentTarget.value))
            setPreview(null)
          }}
        >
          {weekOptions.map((w) => (
            <option key={w} value={w}>
              {t('tags.week', { week: w })}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          type="number"
          min={1}
          value={value}
          onInput={(e) => {
            set(Math.max(1, Number(e.currentTarget.value) || 1))
            setPreview(null)
          }}
        />
      )}
    </div>
  )

  return (
    <form class="card" onSubmit={save} aria-labelledby="builder-title">
      <h2 id="builder-title">{t('studio.digests.new')}</h2>
      {!production?.filmingStartsOn && (
        <p class="hint small">
          {production ? t('studio.digests.weeksHintProduction') : t('studio.digests.weeksHint')}
        </p>
      )}
      <div class="row">
        {weekField('digest-from', t('studio.digests.from'), from, setFrom)}
        {weekField('digest-to', t('studio.digests.to'), to, setTo)}
        <div class="field week-field">
          <label for="digest-max">{t('studio.digests.max')}</label>
          <input
            id="digest-max"
            type="number"
            min={1}
            max={50}
            value={maxPosts}
            onInput={(e) => setMaxPosts(Math.min(50, Math.max(1, Number(e.currentTarget.value) || 1)))}
          />
        </div>
      </div>
      <div class="field">
        <label for="digest-title">{t('studio.settings.fields.title')}</label>
        <input
          id="digest-title"
          type="text"
          maxLength={120}
          placeholder={titleOrDefault}
          value={title}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="digest-intro">{t('studio.digests.intro')}</label>
        <textarea
          id="digest-intro"
          maxLength={2000}
          value={intro}
          onInput={(e) => setIntro(e.currentTarget.value)}
        />
      </div>
      {preview && (
        <section class="digest-preview" aria-labelledby="digest-preview-title">
          <h3 id="digest-preview-title">{t('studio.digests.previewOf', { range: rangeText(lo, hi) })}</h3>
          {preview.posts.length === 0 ? (
            <p class="small">{t('studio.digests.previewEmpty', { range: rangeText(lo, hi) })}</p>
          ) : (
            <>
              <p class="small">
                {t('studio.digests.previewCount', {
                  count: preview.posts.length,
                  n: `${preview.posts.length}${preview.hasMore ? '+' : ''}`,
                  max: maxPosts,
                })}
              </p>
              <ol class="digest-posts">
                {preview.posts.map((p) => (
                  <li key={p.id}>
                    {p.title} <span class="small muted">{fullTime(p.publishedAt)}</span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      )}
      <ErrorBox error={action.error} />
      {saved && (
        <p class="notice" role="status">
          {t('studio.digests.saved', { count: saved.posts.length, title: saved.title })}
        </p>
      )}
      <div class="row">
        <button type="button" disabled={action.busy} onClick={showPreview}>
          {t('studio.composer.preview')}
        </button>
        <span class="spacer" />
        <button type="submit" class="primary" disabled={action.busy}>
          {t('studio.digests.save')}
        </button>
      </div>
    </form>
  )
}
