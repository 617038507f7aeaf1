import type { Media, MediaVariant } from './types.js'

/**
 * Album geometry, computed from the width and height the API sends with every image, so the
 * carousel takes its final size before a single byte of an image arrives (no layout shift).
 * Like Instagram, the frame follows the first image but stays between 4:5 (portrait) and
 * 1.91:1 (landscape); each image is fitted inside the frame without cropping.
 */

export const MIN_FRAME_RATIO = 4 / 5
export const MAX_FRAME_RATIO = 1.91

/** width / height of one image; a broken 0 size counts as square rather than dividing by zero. */
export function aspectRatio(item: { width: number; height: number }): number {
  if (!(item.width > 0) || !(item.height > 0)) return 1
  return item.width / item.height
}

/** The aspect ratio (width / height) of the carousel frame of an album. */
export function frameRatio(items: readonly { width: number; height: number }[]): number {
  const first = items[0]
  if (!first) return 1
  return Math.min(MAX_FRAME_RATIO, Math.max(MIN_FRAME_RATIO, aspectRatio(first)))
}

/**
 * Where an image of ratio `ratio` sits inside a frame of ratio `frame`: its width and height as
 * percentages of the frame's (one of them is always 100), letterboxed or pillarboxed.
 */
export function fitInFrame(ratio: number, frame: number): { widthPct: number; heightPct: number } {
  if (ratio >= frame) return { widthPct: 100, heightPct: round((frame / ratio) * 100) }
  return { widthPct: round((ratio / frame) * 100), heightPct: 100 }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

/** A `srcset` of one format's variants, smallest first (WebP when there is any, else JPEG/PNG). */
export function srcSet(variants: readonly MediaVariant[]): string {
  const webp = variants.filter((v) => v.format === 'webp')
  const chosen = webp.length > 0 ? webp : variants.filter((v) => v.format !== 'webp')
  return [...chosen]
    .sort((a, b) => a.width - b.width)
    .map((v) => `${v.url} ${v.width}w`)
    .join(', ')
}

/** The variant to use as `src` (and in the full-screen view): the smallest at least `minWidth` wide. */
export function pickVariant(media: Pick<Media, 'variants' | 'originalUrl'>, minWidth: number): string | null {
  const webp = media.variants.filter((v) => v.format === 'webp')
  const sorted = [...(webp.length > 0 ? webp : media.variants)].sort((a, b) => a.width - b.width)
  const fit = sorted.find((v) => v.width >= minWidth) ?? sorted[sorted.length - 1]
  return fit?.url ?? media.originalUrl ?? null
}

/** Index of the slide nearest to a horizontal scroll offset (for the dots and the buttons). */
export function slideAt(scrollLeft: number, slideWidth: number, count: number): number {
  if (slideWidth <= 0 || count === 0) return 0
  return Math.min(count - 1, Math.max(0, Math.round(scrollLeft / slideWidth)))
}
