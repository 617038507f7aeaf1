import { useEffect, useRef, useState } from 'preact/hooks'
import { albumRows, altOf, cellSizes, pickVariant, srcSet } from '../app/album-layout.js'
import { t } from '../app/i18n.js'
import { spoilers } from '../app/spoilers.js'
import type { Media } from '../app/types.js'
import { Blurhash } from './Blurhash.js'
import { MediaViewer } from './MediaViewer.js'
import { VideoPlayer, VoiceNote } from './Playback.js'
import './album.css'

/** The widest a post's album is drawn (the feed column less the card's padding), for `sizes`. */
const COLUMN_PX = 600

/**
 * An album as a grid laid out by the images' aspect ratios (app/album-layout.ts), sized from the
 * API's width/height before any image loads, each image over its blurhash until it arrives, with a
 * `srcset` of the variants. A tap opens the full-screen viewer. Spoiler images show only their
 * blurred blurhash and label; one tap on any of them reveals all of the album's spoilers (here and
 * in the viewer), remembered on this device.
 */
export function Album(props: { media: Media[]; spoilerLabel?: string | null; remember?: boolean }) {
  // Voice notes have no picture: they play above the grid of photos and clips.
  const voices = props.media.filter((m) => m.kind === 'audio')
  const media = props.media.filter((m) => m.kind !== 'audio')
  const remember = props.remember ?? true
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(
    () =>
      new Set(
        media.filter((m) => !m.spoiler || (remember && spoilers.isRevealed('media', m.id))).map((m) => m.id),
      ),
  )
  const [open, setOpen] = useState<number | null>(null)
  const hidden = media.filter((m) => !revealed.has(m.id))
  const revealAll = () => {
    if (remember) for (const m of hidden) spoilers.reveal('media', m.id)
    setRevealed(new Set(media.map((m) => m.id)))
  }
  const count = media.length
  const credits = [...new Set(media.map((m) => m.credit?.trim()).filter((c): c is string => !!c))]
  // A photo's own label ("Chapter 8 finale") wins over the post's, as on the public pages.
  const labelOf = (m: Media) => {
    const label = m.spoilerLabel || props.spoilerLabel
    return label ? t('spoiler.labelled', { label }) : t('spoiler.plain')
  }

  return (
    <div class="album-wrap">
      {voices.map((v) => (
        <VoiceOrCover key={v.id} media={v} label={labelOf(v)} remember={remember} />
      ))}
      {count > 0 && (
        <figure class="album-grid" aria-label={t('album.label', { count })}>
          {albumRows(media).map((row) => (
            <div class="album-row" key={row.cells[0]?.index} style={{ aspectRatio: String(row.ratio) }}>
              {row.cells.map(({ index, widthPct }) => {
                const m = media[index]!
                return (
                  <Cell
                    key={m.id}
                    media={m}
                    i={index}
                    count={count}
                    widthPct={widthPct}
                    hidden={!revealed.has(m.id)}
                    spoilerLabel={labelOf(m)}
                    hiddenCount={hidden.length}
                    onOpen={() => setOpen(index)}
                    onReveal={revealAll}
                  />
                )
              })}
            </div>
          ))}
        </figure>
      )}
      {credits.length > 0 && <p class="credit">{t('album.credit', { credit: credits.join(', ') })}</p>}
      {open !== null && (
        <MediaViewer
          media={media}
          start={open}
          isHidden={(m) => !revealed.has(m.id)}
          spoilerLabel={labelOf}
          onRevealAll={revealAll}
          onClose={() => setOpen(null)}
        />
      )}
    </div>
  )
}

interface CellProps {
  media: Media
  i: number
  count: number
  widthPct: number
  hidden: boolean
  spoilerLabel: string
  hiddenCount: number
  onOpen: () => void
  onReveal: () => void
}

function Cell(props: CellProps) {
  const { media: m, i, count, hidden } = props
  const [loaded, setLoaded] = useState(false)
  const img = useRef<HTMLImageElement>(null)
  const alt = altOf(m, i, count)
  useEffect(() => {
    // A cached image may finish before the handler is attached.
    if (img.current?.complete && img.current.naturalWidth > 0) setLoaded(true)
  }, [hidden])
  const style = { flex: `${props.widthPct} 1 0` }
  if (hidden) {
    return (
      <button
        type="button"
        class="album-cell"
        style={style}
        data-spoiler="hidden"
        onClick={props.onReveal}
        // The name starts with the visible text (label, "Tap to show"): WCAG 2.5.3, label in name.
        aria-label={`${props.spoilerLabel} ${t('album.tapToShowAll', { count: props.hiddenCount })}`}
      >
        <Blurhash hash={m.blurhash} />
        <span class="cell-spoiler" aria-hidden="true">
          <span class="label">{props.spoilerLabel}</span> <span class="small">{t('album.tapToShow')}</span>
        </span>
      </button>
    )
  }
  // A clip plays in place (its poster first) once it is not hidden: a tap on a spoiler's cover is
  // what lets it play.
  if (m.kind === 'video') {
    return (
      <div class="album-cell video-cell" style={style}>
        <VideoPlayer media={m} label={alt} />
      </div>
    )
  }
  return (
    <button type="button" class="album-cell" style={style} onClick={props.onOpen} data-photo={i}>
      <Blurhash hash={m.blurhash} />
      <img
        ref={img}
        class={loaded ? 'loaded' : ''}
        src={pickVariant(m, 640) ?? ''}
        srcset={srcSet(m.variants) || undefined}
        sizes={cellSizes(props.widthPct, COLUMN_PX)}
        width={m.width}
        height={m.height}
        alt={alt}
        loading={i < 3 ? 'eager' : 'lazy'}
        decoding="async"
        onLoad={() => setLoaded(true)}
      />
      <span class="visually-hidden">{t('album.openFull')}</span>
    </button>
  )
}

/** A voice note, or for a spoiler its cover until a tap (remembered on this device, as photos are). */
function VoiceOrCover(props: { media: Media; label: string; remember: boolean }) {
  const { media: m } = props
  const [isShown, setShown] = useState(
    () => !m.spoiler || (props.remember && spoilers.isRevealed('media', m.id)),
  )
  if (isShown) return <VoiceNote media={m} />
  return (
    <button
      type="button"
      class="voice-cover"
      data-spoiler="hidden"
      onClick={() => {
        if (props.remember) spoilers.reveal('media', m.id)
        setShown(true)
      }}
    >
      <span class="label">{props.label}</span> <span class="small">{t('album.tapToShow')}</span>
    </button>
  )
}
