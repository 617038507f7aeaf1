import sharp from 'sharp'
import { fail } from '../errors.js'
import { findTruncation } from './container.js'
import { type DetectedType, detectImageType, mimeOf } from './detect.js'

export interface ProcessingLimits {
  /** Most decoded pixels (width × height) accepted; checked from the header before decoding. */
  maxPixels: number
}

export interface ImageHeader {
  type: Exclude<DetectedType, 'heic'>
  mime: string
  /** Size after EXIF orientation. */
  width: number
  height: number
  /** The file has an alpha channel (which may still be fully opaque). */
  hasAlpha: boolean
}

/**
 * Longest side accepted, whatever the pixel count: libjpeg cannot write a JPEG over 65,500 pixels
 * wide or high, so the original of a longer image could not be stored.
 */
export const MAX_SIDE = 65_500

/**
 * Reads only the header and the container's structure: the real type (from magic bytes), the
 * oriented size, and whether the file is complete. Refuses, before a single pixel is decoded
 * (sharp's `metadata()` parses headers only: microseconds even for a 90-megapixel PNG): empty
 * files, unknown or unsupported types (HEIC in this build), headers that do not parse, images over
 * `maxPixels` or `MAX_SIDE` (decompression bombs), and files cut short (container.ts).
 */
export async function inspectImage(bytes: Buffer, limits: ProcessingLimits): Promise<ImageHeader> {
  if (bytes.length === 0) fail('empty-file', 'The uploaded file is empty.')
  const type = detectImageType(bytes)
  if (type === 'heic') refuseHeic()
  if (type === null) {
    fail(
      'unsupported-image',
      'The file is not a JPEG, PNG, WebP, AVIF or GIF image. Its content was checked, not its name or content type.',
    )
  }
  let meta: sharp.Metadata
  try {
    meta = await sharp(bytes, { failOn: 'truncated', limitInputPixels: false }).metadata()
  } catch {
    fail('image-corrupt', `The ${type.toUpperCase()} header cannot be read.`)
  }
  if (type === 'avif' && meta.compression === 'hevc') refuseHeic()
  const expected = type === 'avif' ? 'heif' : type
  if (meta.format !== expected || !meta.width || !meta.height) {
    fail('image-corrupt', `The file starts like a ${type.toUpperCase()} image but is not a valid one.`)
  }
  assertWithinLimits(meta.width, meta.height, limits)
  const truncation = findTruncation(type, bytes)
  if (truncation) fail('image-corrupt', `The image is truncated: ${truncation}.`)
  const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height }
  return {
    type,
    mime: mimeOf[type],
    width: oriented.width,
    height: oriented.height,
    hasAlpha: meta.hasAlpha === true,
  }
}

function assertWithinLimits(width: number, height: number, limits: ProcessingLimits): void {
  const pixels = width * height
  if (pixels > limits.maxPixels) {
    fail(
      'image-too-large-pixels',
      `The image is ${width}×${height} pixels (${formatMegapixels(pixels)}); this server accepts at most ${limits.maxPixels.toLocaleString('en-US')} pixels (${formatMegapixels(limits.maxPixels)}).`,
      { width, height, maxPixels: limits.maxPixels },
    )
  }
  if (Math.max(width, height) > MAX_SIDE) {
    fail(
      'image-too-large-pixels',
      `The image is ${width}×${height}; no side may be longer than ${MAX_SIDE} pixels.`,
      { width, height, maxPixels: limits.maxPixels },
    )
  }
}

export function refuseHeic(): never {
  fail(
    'unsupported-image',
    'HEIC/HEIF images are not supported by this server build (its libvips has no HEVC decoder). Export the photo as JPEG or AVIF (on an iPhone: Settings → Camera → Formats → Most Compatible).',
  )
}

export function formatMegapixels(pixels: number): string {
  return `${(pixels / 1_000_000).toFixed(1)} megapixels`
}
