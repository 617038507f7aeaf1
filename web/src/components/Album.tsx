import { useEffect, useRef, useState } from 'preact/hooks'
import { aspectRatio, fitInFrame, frameRatio, pickVariant, slideAt, srcSet } from '../app/album-layout.js'
import { spoilers } from '../app/spoilers.js'
import type { Media } from '../app/types.js'
import { Blurhash } from './Blurhash.js'
import { Lightbox } from './Lightbox.js'

const SIZES = '(max-width: 640px) 100vw, 616px'

/**
 * An album as a swipeable carousel: native scroll snapping (touch swipe, trackpad, and the
 * keyboard through the buttons), sized from the API's width/height before any image loads, each
 * image over its blurhash. Spoiler images show only their blurred blurhash and label until tapped.
 */
export function Album(props: { media: Media[]; spoilerLabel?: string | null; remember?: boolean }) {
  const { media } = props
  const track = useRef<HTMLDivElement>(null)
  const [index, setIndex] = useState(0)
  const [fullScreen, setFullScreen] = useState<number | null>(null)
  const remember = props.remember ?? true
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(
    () =>
      new Set(
        media.filter((m) => !m.spoiler || (remember && spoilers.isRevealed('media', m.id))).map((m) => m.id),
      ),
  )
  const reveal = (id: string) => {
    if (remember) spoilers.reveal('media', id)
    setRevealed((r) => new Set([...r, id]))
  }
  const ratio = frameRatio(media)
  const count = media.length
  const current = media[index]

  // While a button-driven smooth scroll runs, scroll events report the slides it passes: keep the
  // counter on the target until the track arrives.
  const target = useRef<number | null>(null)
  const go = (i: number) => {
    const el = track.current
    if (!el) return
    const next = Math.max(0, Math.min(count - 1, i))
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches
    target.current = smooth ? next : null
    el.scrollTo({ left: next * el.clientWidth, behavior: smooth ? 'smooth' : 'auto' })
    setIndex(next)
  }
  const onScroll = (el: HTMLDivElement) => {
    const at = slideAt(el.scrollLeft, el.clientWidth, count)
    if (target.current !== null) {
      if (at === target.current && el.scrollLeft % el.clientWidth < 1) target.current = null
      return
    }
    setIndex(at)
  }

  return (
    <div class="album-wrap">
      <section
        class="album"
        style={{ aspectRatio: String(ratio) }}
        aria-roledescription="carousel"
        aria-label={`Album, ${count} photos`}
      >
        <div class="album-track" ref={track} onScroll={(e) => onScroll(e.currentTarget as HTMLDivElement)}>
          {media.map((m, i) => (
            <Slide
              key={m.id}
              media={m}
              i={i}
              count={count}
              frame={ratio}
              label={props.spoilerLabel ?? null}
              revealed={!m.spoiler || revealed.has(m.id)}
              onReveal={() => reveal(m.id)}
              onOpen={() => setFullScreen(i)}
            />
          ))}
        </div>
        {count > 1 && (
          <>
            <span class="album-count" aria-hidden="true">
              {index + 1}/{count}
            </span>
            {index > 0 && (
              <button
                type="button"
                class="album-nav prev icon-button"
                aria-label="Previous photo"
                onClick={() => go(index - 1)}
              >
                ‹
              </button>
            )}
            {index < count - 1 && (
              <button
                type="button"
                class="album-nav next icon-button"
                aria-label="Next photo"
                onClick={() => go(index + 1)}
              >
                ›
              </button>
            )}
          </>
        )}
      </section>
      {count > 1 && (
        <div class="dots" aria-hidden="true">
          {media.map((m, i) => (
            <span key={m.id} class={i === index ? 'on' : ''} />
          ))}
        </div>
      )}
      {current?.credit && <p class="credit">Photo: {current.credit}</p>}
      {fullScreen !== null && (
        <Lightbox
          media={media}
          start={fullScreen}
          isHidden={(m) => m.spoiler && !revealed.has(m.id)}
          onClose={() => setFullScreen(null)}
        />
      )}
    </div>
  )
}

interface SlideProps {
  media: Media
  i: number
  count: number
  frame: number
  label: string | null
  revealed: boolean
  onReveal: () => void
  onOpen: () => void
}

function Slide(props: SlideProps) {
  const { media: m, i, count, revealed } = props
  const [loaded, setLoaded] = useState(false)
  const box = fitInFrame(aspectRatio(m), props.frame)
  const alt = m.alt.trim() || `Photo ${i + 1} of ${count}`
  const img = useRef<HTMLImageElement>(null)
  useEffect(() => {
    // A cached image may finish before the handler is attached.
    if (img.current?.complete && img.current.naturalWidth > 0) setLoaded(true)
  }, [revealed])
  return (
    <div class="slide">
      <div class="slide-box" style={{ width: `${box.widthPct}%`, height: `${box.heightPct}%` }}>
        {revealed ? (
          <>
            <Blurhash hash={m.blurhash} />
            <img
              ref={img}
              class={loaded ? 'loaded' : ''}
              src={pickVariant(m, 1080) ?? ''}
              srcset={srcSet(m.variants) || undefined}
              sizes={SIZES}
              width={m.width}
              height={m.height}
              alt={alt}
              loading={i === 0 ? 'eager' : 'lazy'}
              decoding="async"
              onLoad={() => setLoaded(true)}
            />
            <button
              type="button"
              class="slide-open"
              aria-label={`Open photo ${i + 1} full screen`}
              onClick={props.onOpen}
            />
          </>
        ) : (
          <div class="slide-spoiler" data-spoiler="hidden">
            <Blurhash hash={m.blurhash} />
            <p class="label">{props.label ? `Spoiler: ${props.label}` : 'Spoiler'}</p>
            <button type="button" onClick={props.onReveal}>
              Show spoiler image
            </button>
          </div>
        )}
      </div>
    </div>
  )
}
