import { useEffect, useRef, useState } from 'preact/hooks'
import { altOf, aspectRatio, pickVariant, srcSet } from '../app/album-layout.js'
import { t } from '../app/i18n.js'
import type { Media } from '../app/types.js'
import { Blurhash } from './Blurhash.js'
import './viewer.css'

/** A horizontal move longer than this (px) turns the page; shorter ones spring back. */
const SWIPE_PX = 50
const DOUBLE_TAP_MS = 300
const MAX_ZOOM = 4
const TAP_ZOOM = 2.5

interface Zoom {
  scale: number
  x: number
  y: number
}
const NO_ZOOM: Zoom = { scale: 1, x: 0, y: 0 }

/** What a touch gesture started with (kept in a ref: moves must not re-render to be read). */
type Gesture =
  | { kind: 'swipe'; x: number; y: number; at: number }
  | { kind: 'pan'; x: number; y: number; from: Zoom; at: number }
  | { kind: 'pinch'; distance: number; from: Zoom }

/**
 * The full-screen media viewer of an album: a modal <dialog> over the page.
 * - Keyboard: ← → move, Home/End jump, Escape closes; Tab stays inside (focus trapped) and focus
 *   returns to the photo that opened it.
 * - Touch: swipe to move (the strip follows the finger), pinch or double-tap to zoom, drag to pan a
 *   zoomed photo; double-click zooms with a mouse.
 * - The creator's alt text and the photo credit are shown under the photo.
 * - A hidden spoiler shows only its blurred placeholder and label; one tap reveals every spoiler of
 *   the album (the album's own state, so the grid behind shows them too).
 * Only the current photo and its neighbours are loaded.
 */
export function MediaViewer(props: {
  media: Media[]
  start: number
  isHidden: (m: Media) => boolean
  spoilerLabel: (media: Media) => string
  onRevealAll: () => void
  onClose: () => void
}) {
  const { media, onClose } = props
  const count = media.length
  const dialog = useRef<HTMLDialogElement>(null)
  const [index, setIndex] = useState(props.start)
  const [zoom, setZoom] = useState<Zoom>(NO_ZOOM)
  const [drag, setDrag] = useState(0)
  const gesture = useRef<Gesture | null>(null)
  const lastTap = useRef(0)
  /** When the last touch ended: the mouse events a browser makes up after taps are not the reader's. */
  const touchedAt = useRef(0)

  // Keys work wherever focus is while the viewer is open (a revealed spoiler's button is gone).
  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => {})
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keyHandler.current(e)
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null
    const d = dialog.current
    if (d && !d.open) d.showModal()
    d?.querySelector<HTMLElement>('.viewer-close')?.focus()
    return () => {
      d?.close()
      opener?.focus()
    }
  }, [])

  const go = (next: number) => {
    setIndex(Math.max(0, Math.min(count - 1, next)))
    setZoom(NO_ZOOM)
    setDrag(0)
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      onClose()
    } else if (e.key === 'ArrowLeft') go(index - 1)
    else if (e.key === 'ArrowRight') go(index + 1)
    else if (e.key === 'Home') go(0)
    else if (e.key === 'End') go(count - 1)
    else if (e.key === 'Tab') trapFocus(e, dialog.current)
  }
  keyHandler.current = onKeyDown
  const revealAll = () => {
    props.onRevealAll()
    dialog.current?.focus() // the button goes away with the spoiler: keep focus in the viewer
  }

  const toggleZoom = (clientX: number, clientY: number, stage: HTMLElement) => {
    if (zoom.scale > 1) return setZoom(NO_ZOOM)
    // Zoom in on the tapped point: move it towards the centre by the added scale.
    const box = stage.getBoundingClientRect()
    const dx = clientX - (box.left + box.width / 2)
    const dy = clientY - (box.top + box.height / 2)
    setZoom({ scale: TAP_ZOOM, x: -dx * (TAP_ZOOM - 1), y: -dy * (TAP_ZOOM - 1) })
  }

  const onTouchStart = (e: TouchEvent) => {
    const [a, b] = [e.touches[0], e.touches[1]]
    if (a && b) gesture.current = { kind: 'pinch', distance: distance(a, b), from: zoom }
    else if (a && zoom.scale > 1)
      gesture.current = { kind: 'pan', x: a.clientX, y: a.clientY, from: zoom, at: Date.now() }
    else if (a) gesture.current = { kind: 'swipe', x: a.clientX, y: a.clientY, at: Date.now() }
  }
  const onTouchMove = (e: TouchEvent) => {
    const g = gesture.current
    const [a, b] = [e.touches[0], e.touches[1]]
    if (!g || !a) return
    e.preventDefault()
    if (g.kind === 'pinch' && b) {
      const scale = Math.max(1, Math.min(MAX_ZOOM, (g.from.scale * distance(a, b)) / g.distance))
      setZoom(scale === 1 ? NO_ZOOM : { ...g.from, scale })
    } else if (g.kind === 'pan') {
      setZoom({ ...g.from, x: g.from.x + a.clientX - g.x, y: g.from.y + a.clientY - g.y })
    } else if (g.kind === 'swipe') {
      const dx = a.clientX - g.x
      // No pulling past the first or last photo, only a little give.
      const atEdge = (dx > 0 && index === 0) || (dx < 0 && index === count - 1)
      setDrag(atEdge ? dx / 4 : dx)
    }
  }
  const onTouchEnd = (e: TouchEvent) => {
    const g = gesture.current
    const t = e.changedTouches[0]
    if (e.touches.length > 0) {
      // One finger of a pinch lifted: carry on as a pan from here.
      const a = e.touches[0]!
      gesture.current = { kind: 'pan', x: a.clientX, y: a.clientY, from: zoom, at: Date.now() }
      return
    }
    gesture.current = null
    touchedAt.current = Date.now()
    if (!g || !t || g.kind === 'pinch') return
    const dx = t.clientX - g.x
    const dy = t.clientY - g.y
    const isTap = Math.abs(dx) < 10 && Math.abs(dy) < 10 && Date.now() - g.at < DOUBLE_TAP_MS
    if (isTap) {
      const now = Date.now()
      if (now - lastTap.current < DOUBLE_TAP_MS) {
        lastTap.current = 0
        e.preventDefault() // no emulated dblclick after it
        toggleZoom(t.clientX, t.clientY, e.currentTarget as HTMLElement)
      } else lastTap.current = now
      setDrag(0)
      return
    }
    if (g.kind === 'swipe') {
      if (dx <= -SWIPE_PX) go(index + 1)
      else if (dx >= SWIPE_PX) go(index - 1)
      else setDrag(0)
    }
  }

  const current = media[index]
  if (!current) return null
  const currentHidden = props.isHidden(current)
  const alt = current.alt.trim()
  return (
    <dialog
      ref={dialog}
      class="viewer"
      aria-label={t('album.photoOf', { n: index + 1, of: count })}
      data-index={index}
      tabIndex={-1}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <div class="viewer-bar">
        <button
          type="button"
          class="viewer-close icon-button"
          aria-label={t('album.close')}
          onClick={onClose}
        >
          ✕
        </button>
        <span class="viewer-count" aria-live="polite">
          {index + 1} / {count}
        </span>
        <span class="spacer" />
        {zoom.scale > 1 && (
          <button type="button" onClick={() => setZoom(NO_ZOOM)}>
            {t('album.fit')}
          </button>
        )}
      </div>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: touch and double-click gestures on the photo; the buttons and keys do the same. */}
      <div
        class="viewer-stage"
        onTouchStart={onTouchStart}
        onTouchMove={onTouchMove}
        onTouchEnd={onTouchEnd}
        onTouchCancel={() => {
          gesture.current = null
          setDrag(0)
        }}
        onDblClick={(e) => {
          if (Date.now() - touchedAt.current > 1000)
            toggleZoom(e.clientX, e.clientY, e.currentTarget as HTMLElement)
        }}
      >
        <div
          class={`viewer-track${drag !== 0 ? ' dragging' : ''}`}
          style={{ transform: `translateX(calc(${-index * 100}% + ${drag}px))` }}
        >
          {media.map((m, i) => (
            <div class="viewer-slide" key={m.id} inert={i !== index}>
              {Math.abs(i - index) <= 1 && (
                <Photo
                  media={m}
                  i={i}
                  count={count}
                  hidden={props.isHidden(m)}
                  spoilerLabel={props.spoilerLabel(m)}
                  onRevealAll={revealAll}
                  zoom={i === index ? zoom : NO_ZOOM}
                />
              )}
            </div>
          ))}
        </div>
        {index > 0 && (
          <button
            type="button"
            class="viewer-nav prev icon-button"
            aria-label={t('album.previous')}
            onClick={() => go(index - 1)}
          >
            ‹
          </button>
        )}
        {index < count - 1 && (
          <button
            type="button"
            class="viewer-nav next icon-button"
            aria-label={t('album.next')}
            onClick={() => go(index + 1)}
          >
            ›
          </button>
        )}
      </div>
      <div class="viewer-caption">
        {!currentHidden && alt && <p class="viewer-alt">{alt}</p>}
        {current.credit && <p class="viewer-credit">{t('album.credit', { credit: current.credit })}</p>}
      </div>
    </dialog>
  )
}

function Photo(props: {
  media: Media
  i: number
  count: number
  hidden: boolean
  spoilerLabel: string
  onRevealAll: () => void
  zoom: Zoom
}) {
  const { media: m, zoom } = props
  const [loaded, setLoaded] = useState(false)
  if (props.hidden) {
    return (
      <div class="viewer-spoiler" data-spoiler="hidden">
        <Blurhash hash={m.blurhash} />
        <p class="label">{props.spoilerLabel}</p>
        <button type="button" onClick={props.onRevealAll}>
          {t('spoiler.showAll')}
        </button>
      </div>
    )
  }
  return (
    <div
      class="viewer-photo"
      style={{ aspectRatio: `${m.width || 1} / ${m.height || 1}`, '--ratio': String(aspectRatio(m)) }}
    >
      {!loaded && <Blurhash hash={m.blurhash} />}
      <img
        src={pickVariant(m, 2048) ?? ''}
        srcset={srcSet(m.variants) || undefined}
        sizes="100vw"
        alt={altOf(m, props.i, props.count)}
        draggable={false}
        onLoad={() => setLoaded(true)}
        style={{ transform: `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})` }}
      />
    </div>
  )
}

function distance(a: Touch, b: Touch): number {
  return Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY)
}

/** Keeps Tab and Shift+Tab among the dialog's own controls. */
function trapFocus(e: KeyboardEvent, root: HTMLElement | null): void {
  if (!root) return
  const focusable = [
    ...root.querySelectorAll<HTMLElement>('button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])'),
  ].filter((el) => !el.closest('[inert]'))
  const first = focusable[0]
  const last = focusable[focusable.length - 1]
  if (!first || !last) return
  const active = document.activeElement
  if (e.shiftKey && (active === first || !root.contains(active))) {
    e.preventDefault()
    last.focus()
  } else if (!e.shiftKey && (active === last || !root.contains(active))) {
    e.preventDefault()
    first.focus()
  }
}
