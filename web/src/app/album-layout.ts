import { t } from './i18n.js'
import type { Media, MediaVariant } from './types.js'

/**
 * Album geometry, computed from the width and height the API sends with every image, so the grid
 * takes its final size before a single byte of an image arrives (no layout shift).
 *
 * An album is a grid of rows. Every image in a row gets the row's height and a width in proportion
 * to its aspect ratio, so photos keep their shape: a landscape still is wide, a portrait one narrow.
 * A row's own aspect ratio is the sum of its images' ratios. Ratios are clamped (a panorama or a
 * very tall phone shot is cropped a little at the edges rather than making a sliver), and a row of
 * one image stays between 4:5 and 1.91:1 like a single photo in any feed. The full image is always
 * in the viewer.
 */

export const MIN_FRAME_RATIO = 4 / 5
export const MAX_FRAME_RATIO = 1.91
/** A cell in a row of several: from a tall portrait (1:2) to a wide landscape (2:1). */
const MIN_CELL_RATIO = 0.5
const MAX_CELL_RATIO = 2

export interface AlbumCell {
  /** Index of the image in the album. */
  index: number
  /** Share of the row's width, in percent (the row's cells add up to 100). */
  widthPct: number
}

export interface AlbumRow {
  /** width / height of the whole row. */
  ratio: number
  cells: AlbumCell[]
}

/** width / height of one image; a broken 0 size counts as square rather than dividing by zero. */
export function aspectRatio(item: { width: number; height: number }): number {
  if (!(item.width > 0) || !(item.height > 0)) return 1
  return item.width / item.height
}

/**
 * How many images go in each row: one row of up to two; three as one wide image over two; then
 * rows of two or three, the smaller rows first (4 → 2+2, 5 → 2+3, 7 → 2+2+3, 10 → 2+2+3+3).
 */
export function rowSizes(count: number): number[] {
  if (count <= 0) return []
  if (count <= 2) return [count]
  if (count === 3) return [1, 2]
  const rows = Math.ceil(count / 3)
  const sizes: number[] = []
  let left = count
  for (let r = rows; r > 0; r--) {
    const size = Math.floor(left / r)
    sizes.push(size)
    left -= size
  }
  return sizes
}

/** The rows of an album's grid, in order. */
export function albumRows(items: readonly { width: number; height: number }[]): AlbumRow[] {
  const rows: AlbumRow[] = []
  let at = 0
  for (const size of rowSizes(items.length)) {
    const slice = items.slice(at, at + size)
    const ratios =
      size === 1
        ? [clamp(aspectRatio(slice[0]!), MIN_FRAME_RATIO, MAX_FRAME_RATIO)]
        : slice.map((m) => clamp(aspectRatio(m), MIN_CELL_RATIO, MAX_CELL_RATIO))
    const total = ratios.reduce((a, b) => a + b, 0)
    rows.push({
      ratio: round(total),
      cells: ratios.map((r, i) => ({ index: at + i, widthPct: round((r / total) * 100) })),
    })
    at += size
  }
  return rows
}

/**
 * The `sizes` attribute of a cell that takes `widthPct` of a column at most `columnPx` wide
 * (the full viewport width below it), so the browser picks the smallest variant that is sharp.
 */
export function cellSizes(widthPct: number, columnPx: number): string {
  const pct = Math.round(widthPct)
  return `(max-width: ${columnPx}px) ${pct}vw, ${Math.round((columnPx * widthPct) / 100)}px`
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n))
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

/** A `srcset` of one format's variants, smallest first (WebP when there is any, else JPEG/PNG). */
/** Whether a variant is a picture (a photo's size, or a video's poster), not a video or audio file. */
export function isImageVariant(v: Pick<MediaVariant, 'format'>): boolean {
  return v.format === 'webp' || v.format === 'jpeg' || v.format === 'png'
}

export function srcSet(all: readonly MediaVariant[]): string {
  const variants = all.filter(isImageVariant)
  const webp = variants.filter((v) => v.format === 'webp')
  const chosen = webp.length > 0 ? webp : variants.filter((v) => v.format !== 'webp')
  return [...chosen]
    .sort((a, b) => a.width - b.width)
    .map((v) => `${v.url} ${v.width}w`)
    .join(', ')
}

/** The variant to use as `src` (and in the full-screen view): the smallest at least `minWidth` wide. */
export function pickVariant(media: Pick<Media, 'variants' | 'originalUrl'>, minWidth: number): string | null {
  const pictures = media.variants.filter(isImageVariant)
  const webp = pictures.filter((v) => v.format === 'webp')
  const sorted = [...(webp.length > 0 ? webp : pictures)].sort((a, b) => a.width - b.width)
  const fit = sorted.find((v) => v.width >= minWidth) ?? sorted[sorted.length - 1]
  return fit?.url ?? media.originalUrl ?? null
}

/** The creator's alt text, else "Photo n of m": every image has one. */
export function altOf(m: Pick<Media, 'alt'>, i: number, count: number): string {
  return m.alt.trim() || t('album.photoOf', { n: i + 1, of: count })
}
