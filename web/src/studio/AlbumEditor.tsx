import { pickVariant } from '../app/album-layout.js'
import { t } from '../app/i18n.js'
import type { Media } from '../app/types.js'
import { PhotoFields } from './PhotoFields.js'
import { move } from './uploads.js'

export interface AlbumEdit {
  id: string
  alt: string
  credit: string
  rights: string
  spoiler: boolean
  spoilerLabel: string
  thumb: string | null
}

export function toAlbumEdit(media: Media[]): AlbumEdit[] {
  return media.map((m) => ({
    id: m.id,
    alt: m.alt,
    credit: m.credit ?? '',
    rights: m.rights ?? '',
    spoiler: m.spoiler,
    spoilerLabel: m.spoilerLabel ?? '',
    thumb: pickVariant(m, 200),
  }))
}

/** The `media` list of a PATCH (docs/api.md Posts: the full new list, in order; left-out images are deleted). */
export function albumPatch(items: AlbumEdit[]) {
  return items.map((i) => ({
    id: i.id,
    alt: i.alt.trim(),
    credit: i.credit.trim() || null,
    rights: i.rights.trim() || null,
    spoiler: i.spoiler,
    ...(i.spoiler && i.spoilerLabel.trim() && { spoilerLabel: i.spoilerLabel.trim() }),
  }))
}

/** Edit an album in place: alt text, credit, spoiler flag, order, removal. */
export function AlbumEditor({
  items,
  onChange,
}: {
  items: AlbumEdit[]
  onChange: (items: AlbumEdit[]) => void
}) {
  const set = (i: number, patch: Partial<AlbumEdit>) =>
    onChange(items.map((it, j) => (j === i ? { ...it, ...patch } : it)))
  return (
    <ol class="upload-list" aria-label={t('studio.upload.albumList')}>
      {items.map((it, i) => (
        <li key={it.id} class="upload-item">
          {it.thumb ? <img src={it.thumb} alt="" width={72} height={72} /> : <span />}
          <div>
            <div class="row small">
              <strong class="spacer">{t('studio.upload.photo', { n: i + 1 })}</strong>
              <button
                type="button"
                class="icon-button"
                aria-label={t('studio.upload.earlier', { n: i + 1 })}
                disabled={i === 0}
                onClick={() => onChange(move(items, i, i - 1))}
              >
                ↑
              </button>
              <button
                type="button"
                class="icon-button"
                aria-label={t('studio.upload.later', { n: i + 1 })}
                disabled={i === items.length - 1}
                onClick={() => onChange(move(items, i, i + 1))}
              >
                ↓
              </button>
              <button
                type="button"
                class="icon-button"
                aria-label={t('studio.upload.remove', { n: i + 1 })}
                disabled={items.length === 1}
                onClick={() => onChange(items.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </div>
            <label class="small" for={`edit-alt-${it.id}`}>
              {t('studio.upload.alt')}{' '}
              {it.alt.trim() === '' && <span class="warn">{t('studio.upload.missing')}</span>}
            </label>
            <textarea
              id={`edit-alt-${it.id}`}
              rows={2}
              style={{ minHeight: '56px' }}
              maxLength={1500}
              value={it.alt}
              onInput={(e) => set(i, { alt: e.currentTarget.value })}
            />
            <PhotoFields n={i + 1} facts={it} onChange={(patch) => set(i, patch)} />
          </div>
        </li>
      ))}
    </ol>
  )
}
