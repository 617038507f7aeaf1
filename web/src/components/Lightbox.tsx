import { useEffect, useRef, useState } from 'preact/hooks'
import { pickVariant } from '../app/album-layout.js'
import type { Media } from '../app/types.js'

/** Full-screen view of an album's photos: a modal <dialog> (Esc closes, focus is trapped), arrows move. */
export function Lightbox(props: {
  media: Media[]
  start: number
  isHidden: (m: Media) => boolean
  onClose: () => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const [i, setI] = useState(props.start)
  const m = props.media[i]
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  if (!m) return null
  const count = props.media.length
  return (
    <dialog
      ref={ref}
      class="lightbox"
      aria-label={`Photo ${i + 1} of ${count}`}
      onClose={props.onClose}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') setI((n) => Math.max(0, n - 1))
        if (e.key === 'ArrowRight') setI((n) => Math.min(count - 1, n + 1))
      }}
    >
      <div class="bar">
        <button type="button" onClick={() => ref.current?.close()}>
          Close
        </button>
        <span class="spacer" />
        <button type="button" disabled={i === 0} onClick={() => setI(i - 1)} aria-label="Previous photo">
          ‹
        </button>
        <span>
          {i + 1}/{count}
        </span>
        <button type="button" disabled={i === count - 1} onClick={() => setI(i + 1)} aria-label="Next photo">
          ›
        </button>
      </div>
      {props.isHidden(m) ? (
        <p class="spoiler-cover">Spoiler image: close and tap it in the album to show it.</p>
      ) : (
        <img src={pickVariant(m, 2048) ?? ''} alt={m.alt.trim() || `Photo ${i + 1} of ${count}`} />
      )}
    </dialog>
  )
}
