import { useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import type { Production, ProductionKind } from './studio-types.js'
import { move } from './uploads.js'

interface ChapterDraft {
  key: number
  title: string
  airDate: string
}

let keys = 0
const chapterDraft = (title = '', airDate = ''): ChapterDraft => ({ key: ++keys, title, airDate })

/** The `PUT …/production` body from the form (empty fields left out or null). */
function productionBody(f: {
  kind: ProductionKind
  title: string
  season: string
  chapterLabel: string
  chapters: ChapterDraft[]
  filmingStartsOn: string
  filmingWeeks: string
  autoLiftSpoilers: boolean
}) {
  const season = Number.parseInt(f.season, 10)
  const weeks = Number.parseInt(f.filmingWeeks, 10)
  return {
    kind: f.kind,
    title: f.title.trim(),
    season: Number.isFinite(season) ? season : null,
    chapterLabel: f.chapterLabel.trim() || t('tags.chapter'),
    chapters: f.chapters.map((c) => ({ title: c.title.trim() || null, airDate: c.airDate || null })),
    filmingStartsOn: f.filmingStartsOn || null,
    filmingWeeks: Number.isFinite(weeks) ? weeks : null,
    autoLiftSpoilers: f.autoLiftSpoilers,
  }
}

/**
 * The channel's production facts (owner, admin): kind, series title, season, what its parts are
 * called, the chapters with titles and air dates (add, remove, reorder), filming start and length,
 * and whether spoilers lift after air dates. Chapter n is the n-th row, so reordering renumbers;
 * the server refuses (409) facts that would drop a chapter or week posts are tagged with.
 */
export function ProductionEditor({
  slug,
  production,
  onSaved,
}: {
  slug: string
  production: Production | null
  onSaved: (p: Production | null) => void
}) {
  const [kind, setKind] = useState<ProductionKind>(production?.kind ?? 'series')
  const [title, setTitle] = useState(production?.title ?? '')
  const [season, setSeason] = useState(production?.season ? String(production.season) : '')
  const [chapterLabel, setChapterLabel] = useState(() => production?.chapterLabel ?? t('tags.chapter'))
  const [chapters, setChapters] = useState<ChapterDraft[]>(() =>
    (production?.chapters ?? []).map((c) => chapterDraft(c.title ?? '', c.airDate ?? '')),
  )
  const [filmingStartsOn, setStart] = useState(production?.filmingStartsOn ?? '')
  const [filmingWeeks, setWeeks] = useState(production?.filmingWeeks ? String(production.filmingWeeks) : '')
  const [autoLift, setAutoLift] = useState(production?.autoLiftSpoilers ?? false)
  const [saved, setSaved] = useState('')
  const action = useAction()
  // The team's own word for a part ("Episode"): shown as typed, never inflected.
  const label = chapterLabel.trim() || t('tags.chapter')
  const setChapter = (i: number, patch: Partial<ChapterDraft>) =>
    setChapters((list) => list.map((c, j) => (j === i ? { ...c, ...patch } : c)))

  const save = async (e: Event) => {
    e.preventDefault()
    setSaved('')
    const body = productionBody({
      kind,
      title,
      season,
      chapterLabel,
      chapters,
      filmingStartsOn,
      filmingWeeks,
      autoLiftSpoilers: autoLift,
    })
    const ok = await action.run(async () => {
      const r = await api.put<{ production: Production | null }>(channelPath(slug, '/production'), body)
      onSaved(r.production)
    })
    if (ok) setSaved(t('studio.production.saved'))
  }
  const clear = async () => {
    if (!window.confirm(t('studio.production.removeConfirm'))) return
    setSaved('')
    const ok = await action.run(async () => {
      await api.delete(channelPath(slug, '/production'))
      onSaved(null)
    })
    if (ok) setSaved(t('studio.production.removed'))
  }

  return (
    <form class="card production-editor" onSubmit={save} aria-labelledby="production-title">
      <h2 id="production-title">{t('studio.production.title')}</h2>
      <p class="small muted">{t('studio.production.help', { label })}</p>
      <div class="row">
        <div class="field">
          <label for="prod-kind">{t('studio.production.kind')}</label>
          <select
            id="prod-kind"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as ProductionKind)}
          >
            <option value="series">{t('channel.kind.series')}</option>
            <option value="film">{t('channel.kind.film')}</option>
            <option value="tour">{t('channel.kind.tour')}</option>
            <option value="other">{t('channel.kind.other')}</option>
          </select>
        </div>
        <div class="field spacer">
          <label for="prod-title">{t('studio.production.name')}</label>
          <input
            id="prod-title"
            type="text"
            required
            maxLength={120}
            value={title}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </div>
      </div>
      <div class="row">
        <div class="field week-field">
          <label for="prod-season">{t('studio.production.season')}</label>
          <input
            id="prod-season"
            type="number"
            min={1}
            max={999}
            value={season}
            onInput={(e) => setSeason(e.currentTarget.value)}
          />
        </div>
        <div class="field spacer">
          <label for="prod-label">{t('studio.production.partsCalled')}</label>
          <input
            id="prod-label"
            type="text"
            maxLength={20}
            placeholder={t('studio.production.partsExample')}
            value={chapterLabel}
            onInput={(e) => setChapterLabel(e.currentTarget.value)}
          />
        </div>
      </div>
      <fieldset>
        <legend>{t('studio.tags.chapters', { label })}</legend>
        {chapters.length === 0 && <p class="small muted">{t('studio.production.none', { label })}</p>}
        <ol class="chapter-list" aria-label={t('studio.production.list', { label })}>
          {chapters.map((c, i) => (
            <li key={c.key} class="chapter-row">
              <span class="chapter-number" aria-hidden="true">
                {i + 1}
              </span>
              <input
                type="text"
                aria-label={t('studio.production.chapterTitle', { label, n: i + 1 })}
                placeholder={t('studio.production.chapterTitle', { label, n: i + 1 })}
                maxLength={120}
                value={c.title}
                onInput={(e) => setChapter(i, { title: e.currentTarget.value })}
              />
              <input
                type="date"
                aria-label={t('studio.production.airDate', { label, n: i + 1 })}
                value={c.airDate}
                onInput={(e) => setChapter(i, { airDate: e.currentTarget.value })}
              />
              <span class="chapter-buttons">
                <button
                  type="button"
                  class="icon-button"
                  aria-label={t('studio.production.earlier', { label, n: i + 1 })}
                  disabled={i === 0}
                  onClick={() => setChapters((l) => move(l, i, i - 1))}
                >
                  ↑
                </button>
                <button
                  type="button"
                  class="icon-button"
                  aria-label={t('studio.production.later', { label, n: i + 1 })}
                  disabled={i === chapters.length - 1}
                  onClick={() => setChapters((l) => move(l, i, i + 1))}
                >
                  ↓
                </button>
                <button
                  type="button"
                  class="icon-button"
                  aria-label={t('studio.production.remove', { label, n: i + 1 })}
                  onClick={() => setChapters((l) => l.filter((_, j) => j !== i))}
                >
                  ✕
                </button>
              </span>
            </li>
          ))}
        </ol>
        <button type="button" onClick={() => setChapters((l) => [...l, chapterDraft()])}>
          {t('studio.production.add', { label })}
        </button>
      </fieldset>
      <div class="row">
        <div class="field">
          <label for="prod-start">{t('studio.production.start')}</label>
          <input
            id="prod-start"
            type="date"
            value={filmingStartsOn}
            onInput={(e) => setStart(e.currentTarget.value)}
          />
        </div>
        <div class="field week-field">
          <label for="prod-weeks">{t('studio.production.weeks')}</label>
          <input
            id="prod-weeks"
            type="number"
            min={1}
            max={520}
            value={filmingWeeks}
            onInput={(e) => setWeeks(e.currentTarget.value)}
          />
        </div>
      </div>
      <label class="inline">
        <input type="checkbox" checked={autoLift} onChange={(e) => setAutoLift(e.currentTarget.checked)} />{' '}
        {t('studio.production.autoLift', { label })}
      </label>
      <ErrorBox error={action.error} title={t('studio.composer.notSaved')} />
      {saved && (
        <p role="status" class="small ok-text">
          {saved}
        </p>
      )}
      <div class="row action-row">
        <button type="submit" class="primary" disabled={action.busy}>
          {t('studio.production.save')}
        </button>
        <span class="spacer" />
        {production && (
          <button type="button" class="danger" disabled={action.busy} onClick={() => void clear()}>
            {t('studio.production.clear')}
          </button>
        )}
      </div>
    </form>
  )
}
