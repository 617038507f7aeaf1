import { useState } from 'preact/hooks'
import { t } from '../app/i18n.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { CaptionFields } from './CaptionFields.js'
import { PhotoFields } from './PhotoFields.js'
import { MAX_PHOTOS, type UploadItem } from './uploads.js'

interface Props {
  items: UploadItem[]
  onPick: (files: File[]) => void
  onChange: (key: string, patch: Partial<UploadItem>) => void
  onRemove: (key: string) => void
  onMove: (from: number, to: number) => void
}

/** The photos of a post being composed: pick or drop files, per-file progress, alt/credit/spoiler, reorder. */
export function UploadList(props: Props) {
  const [isOver, setOver] = useState(false)
  const [dragFrom, setDragFrom] = useState<number | null>(null)
  const isFileDrag = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files')
  const room = MAX_PHOTOS - props.items.length

  return (
    <div>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for dragged files; the keyboard path is the file input inside it. */}
      <div
        class={`dropzone${isOver ? ' over' : ''}`}
        onDragOver={(e) => {
          if (!isFileDrag(e)) return
          e.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          if (!isFileDrag(e)) return
          e.preventDefault()
          setOver(false)
          props.onPick([...(e.dataTransfer?.files ?? [])])
        }}
      >
        <p>{t('studio.upload.drop')}</p>
        <label class="button" for="photo-input">
          {t('studio.upload.choose')}
        </label>
        <input
          id="photo-input"
          class="visually-hidden"
          type="file"
          multiple
          accept="image/*,video/*,audio/*"
          onChange={(e) => {
            props.onPick([...(e.currentTarget.files ?? [])])
            e.currentTarget.value = ''
          }}
        />
        <p class="hint small muted">{t('studio.upload.hint', { max: MAX_PHOTOS, room })}</p>
      </div>
      {props.items.length > 0 && (
        <ol class="upload-list" aria-label={t('studio.upload.list')}>
          {props.items.map((item, i) => (
            <li
              key={item.key}
              class={`upload-item${dragFrom === i ? ' dragging' : ''}`}
              draggable
              data-upload={item.status}
              onDragStart={(e) => {
                setDragFrom(i)
                e.dataTransfer?.setData('text/plain', item.key)
              }}
              onDragEnd={() => setDragFrom(null)}
              onDragOver={(e) => {
                if (dragFrom !== null) e.preventDefault()
              }}
              onDrop={(e) => {
                if (dragFrom === null) return
                e.preventDefault()
                props.onMove(dragFrom, i)
                setDragFrom(null)
              }}
            >
              {item.file.type.startsWith('image/') ? (
                <img src={item.previewUrl} alt="" width={72} height={72} />
              ) : (
                <span class="upload-icon" aria-hidden="true">
                  {item.file.type.startsWith('audio/') ? '🎙' : '🎬'}
                </span>
              )}
              <div>
                <div class="row small">
                  <strong class="spacer">
                    {i + 1}. {item.file.name}
                  </strong>
                  <button
                    type="button"
                    class="icon-button"
                    aria-label={t('studio.upload.earlier', { n: i + 1 })}
                    disabled={i === 0}
                    onClick={() => props.onMove(i, i - 1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="icon-button"
                    aria-label={t('studio.upload.later', { n: i + 1 })}
                    disabled={i === props.items.length - 1}
                    onClick={() => props.onMove(i, i + 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="icon-button"
                    aria-label={t('studio.upload.remove', { n: i + 1 })}
                    onClick={() => props.onRemove(item.key)}
                  >
                    ✕
                  </button>
                </div>
                <Status item={item} />
                {item.status !== 'failed' && (
                  <>
                    <label class="small" for={`alt-${item.key}`}>
                      {t('studio.upload.alt')}{' '}
                      {item.alt.trim() === '' && <span class="warn">{t('studio.upload.missing')}</span>}
                    </label>
                    <textarea
                      id={`alt-${item.key}`}
                      rows={2}
                      style={{ minHeight: '56px' }}
                      maxLength={1500}
                      value={item.alt}
                      placeholder={t('studio.upload.altPlaceholder')}
                      onInput={(e) => props.onChange(item.key, { alt: e.currentTarget.value })}
                    />
                    <PhotoFields
                      n={i + 1}
                      facts={item}
                      onChange={(patch) => props.onChange(item.key, patch)}
                    />
                    {item.status === 'ready' && item.media?.kind === 'video' && (
                      <CaptionFields
                        n={i + 1}
                        media={item.media}
                        onMedia={(media) => props.onChange(item.key, { media })}
                      />
                    )}
                  </>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

function Status({ item }: { item: UploadItem }) {
  if (item.status === 'failed')
    return <ErrorBox error={item.error} title={t('studio.upload.refused', { name: item.file.name })} />
  if (item.status === 'uploading') {
    const pct = Math.round(item.progress * 100)
    return (
      <div class="small">
        <progress
          max={100}
          value={pct}
          aria-label={t('studio.upload.uploadingOne', { name: item.file.name })}
        />{' '}
        {pct}%
      </div>
    )
  }
  if (item.status === 'processing') {
    // A video reports how far its transcoding has come (issue 20); a photo is done in a moment.
    const done = item.media?.progress
    if (typeof done !== 'number') return <p class="small muted">{t('studio.upload.processing')}</p>
    const pct = Math.round(done * 100)
    return (
      <div class="small muted">
        <progress max={100} value={pct} aria-label={t('studio.upload.processingPct', { pct })} />{' '}
        {t('studio.upload.processingPct', { pct })}
      </div>
    )
  }
  return (
    <p class="small" style={{ color: 'var(--ok)' }}>
      {t('studio.upload.uploaded')} ✓
    </p>
  )
}
