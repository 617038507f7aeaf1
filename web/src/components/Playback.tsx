import { pickVariant } from '../app/album-layout.js'
import { t } from '../app/i18n.js'
import type { Media } from '../app/types.js'

/** The playable files of a video or voice note, in the order a browser should try them. */
function sourcesOf(m: Media) {
  const types = { mp4: 'video/mp4', ogg: 'audio/ogg', m4a: 'audio/mp4' } as const
  return m.variants.flatMap((v) =>
    v.format === 'mp4' || v.format === 'ogg' || v.format === 'm4a'
      ? [{ url: v.url, type: types[v.format] }]
      : [],
  )
}

/**
 * A video with the browser's own player (issue 20): poster first, nothing loaded but its metadata
 * until the reader presses play, never autoplaying with sound, inline on phones.
 */
export function VideoPlayer(props: { media: Media; label: string }) {
  const { media: m } = props
  return (
    // biome-ignore lint/a11y/useMediaCaption: caption tracks are optional (a clip without speech has none); the alt text names the clip.
    <video
      class="video-player"
      controls
      playsInline
      preload="metadata"
      poster={pickVariant(m, 640) ?? undefined}
      width={m.width}
      height={m.height}
      aria-label={props.label}
      data-video={m.id}
    >
      {sourcesOf(m).map((s) => (
        <source key={s.url} src={s.url} type={s.type} />
      ))}
      {/* Validated WebVTT (issue 20): the browser renders cue text as text, never as HTML. */}
      {(m.captions ?? []).map((c, i) => (
        <track key={c.url} kind="captions" srcLang={c.lang} label={c.label} src={c.url} default={i === 0} />
      ))}
    </video>
  )
}

/** A voice note: its waveform over the browser's audio player (Opus, else AAC for Safari). */
export function VoiceNote(props: { media: Media }) {
  const { media: m } = props
  const peaks = m.waveform ?? []
  const seconds = Math.round((m.durationMs ?? 0) / 1000)
  const label = m.alt.trim() || t('media.voiceNote')
  return (
    <figure class="voice-note" data-voice={m.id}>
      <div class="waveform" aria-hidden="true">
        {peaks.map((p, i) => (
          <span key={i} style={{ height: `${Math.max(p, 4)}%` }} />
        ))}
      </div>
      {/* biome-ignore lint/a11y/useMediaCaption: voice notes have no transcript yet; the alt text describes them. */}
      <audio controls preload="metadata" aria-label={label}>
        {sourcesOf(m).map((s) => (
          <source key={s.url} src={s.url} type={s.type} />
        ))}
      </audio>
      <figcaption class="small muted">
        {label} · {t('media.seconds', { count: seconds })}
      </figcaption>
    </figure>
  )
}
