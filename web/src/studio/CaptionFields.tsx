import { useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { t } from '../app/i18n.js'
import type { Media } from '../app/types.js'
import { ErrorBox } from '../components/ErrorBox.js'

/**
 * A processed video's caption tracks in the composer (issue 20): pick a .vtt file, say its
 * language and name, and it is sent as it is to `PUT /api/v1/media/{id}/captions/{lang}`; the
 * server validates it and answers with the media object, whose tracks are listed here.
 */
export function CaptionFields(props: { n: number; media: Media; onMedia: (media: Media) => void }) {
  const { media } = props
  const [lang, setLang] = useState('en')
  const [label, setLabel] = useState('English')
  const [file, setFile] = useState<File | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const base = `/api/v1/media/${encodeURIComponent(media.id)}/captions`

  async function send(work: () => Promise<Media>) {
    setBusy(true)
    setError(null)
    try {
      props.onMedia(await work())
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  const add = () =>
    file &&
    send(() =>
      api.put<Media>(
        `${base}/${encodeURIComponent(lang.trim())}?label=${encodeURIComponent(label.trim())}`,
        file,
        {
          'content-type': 'text/vtt',
        },
      ),
    )
  const tracks = media.captions ?? []
  return (
    <fieldset class="captions" data-captions={media.id}>
      <legend class="small">{t('studio.captions.title')}</legend>
      {tracks.length > 0 && (
        <ul class="small">
          {tracks.map((c) => (
            <li key={c.lang}>
              {c.label} ({c.lang}){' '}
              <button
                type="button"
                class="icon-button"
                aria-label={t('studio.captions.remove', { label: c.label })}
                disabled={busy}
                onClick={() => send(() => api.delete<Media>(`${base}/${encodeURIComponent(c.lang)}`))}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="row">
        <input
          type="text"
          aria-label={t('studio.captions.lang')}
          placeholder={t('studio.captions.lang')}
          maxLength={35}
          style={{ flex: '0 1 90px', width: 'auto' }}
          value={lang}
          onInput={(e) => setLang(e.currentTarget.value)}
        />
        <input
          type="text"
          aria-label={t('studio.captions.label')}
          placeholder={t('studio.captions.label')}
          maxLength={80}
          style={{ flex: '1 1 140px', width: 'auto' }}
          value={label}
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
        <input
          type="file"
          accept=".vtt,text/vtt"
          aria-label={t('studio.captions.file', { n: props.n })}
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
        <button type="button" disabled={busy || !file || !lang.trim() || !label.trim()} onClick={add}>
          {t('studio.captions.add')}
        </button>
      </div>
      {error !== null && <ErrorBox error={error} title={t('studio.captions.refused')} />}
    </fieldset>
  )
}
