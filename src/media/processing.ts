/**
 * The image pipeline: a pure function from uploaded bytes to re-encoded files. Nothing the client
 * sent is stored as is — every stored file, the "original" included, is a fresh encoding of the
 * decoded pixels, so no metadata block (EXIF with GPS and maker notes, XMP, IPTC, embedded
 * thumbnails, comments) and no trailing bytes (a script appended to a valid image) can survive.
 *
 * All sharp work runs in libuv worker threads; the event loop only slices buffers.
 */
import os from 'node:os'
import { encode as encodeBlurhash } from 'blurhash'
import sharp, { type Sharp } from 'sharp'
import { DomainError, fail } from '../errors.js'
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
}

export type EncodedFormat = 'jpeg' | 'webp' | 'png'

export interface EncodedFile {
  /** 'original', or the size class of a variant: '320', '1080', '2048'. */
  name: string
  format: EncodedFormat
  width: number
  height: number
  bytes: Buffer
}

export interface ProcessedImage extends ImageHeader {
  blurhash: string
  /** Full size, oriented, sRGB, metadata-free: JPEG, or PNG when the image has transparency. */
  original: EncodedFile
  /** Each size class in WebP and JPEG, smallest first. */
  variants: EncodedFile[]
}

/** Long-side sizes of the variants. A smaller image gets its own size in place of the first larger class. */
export const VARIANT_SIZES = [320, 1080, 2048] as const

const JPEG_ORIGINAL = { quality: 90, mozjpeg: false } as const
const JPEG_VARIANT = { quality: 82, mozjpeg: false } as const
// Effort 2 of 6: ~40% faster than the default with files within a few percent of its size.
const WEBP_VARIANT = { quality: 80, effort: 2 } as const
const BLURHASH_COMPONENTS = { x: 4, y: 3 } as const

/**
 * Reads only the header: the real type (from magic bytes) and the oriented size. Refuses, before
 * anything is decoded: empty files, unknown or unsupported types (HEIC in this build), headers
 * that do not parse, and images over `maxPixels` (decompression bombs).
 */
export async function inspectImage(bytes: Uint8Array, limits: ProcessingLimits): Promise<ImageHeader> {
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
  const pixels = meta.width * meta.height
  if (pixels > limits.maxPixels) {
    fail(
      'image-too-large-pixels',
      `The image is ${meta.width}×${meta.height} (${formatMegapixels(pixels)}); at most ${formatMegapixels(limits.maxPixels)} are accepted.`,
    )
  }
  const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height }
  return { type, mime: mimeOf[type], width: oriented.width, height: oriented.height }
}

/**
 * Decodes once (first frame of a GIF), applies EXIF orientation, converts to sRGB, then encodes the
 * original and every variant from those pixels, each tagged with an sRGB ICC profile and nothing
 * else. Throws `image-corrupt` for a truncated or broken image and `image-too-large-pixels` if the
 * decoder meets more pixels than the header promised.
 */
export async function processImage(bytes: Uint8Array, limits: ProcessingLimits): Promise<ProcessedImage> {
  const header = await inspectImage(bytes, limits)
  const full = await decode(bytes, limits, header)
  const original = await encode(full, 'original', full.hasAlpha ? 'png' : 'jpeg')
  const variants: EncodedFile[] = []
  let source = full
  for (const size of [...variantSizes(full.width, full.height)].reverse()) {
    source = size.native ? source : await resized(source, size.longSide)
    variants.unshift(await encode(source, size.name, 'webp'), await encode(source, size.name, 'jpeg'))
  }
  const blurhash = await blurhashOf(source)
  return { ...header, width: full.width, height: full.height, blurhash, original, variants }
}

interface Pixels {
  data: Buffer
  width: number
  height: number
  channels: 3 | 4
  hasAlpha: boolean
}

async function decode(bytes: Uint8Array, limits: ProcessingLimits, header: ImageHeader): Promise<Pixels> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'truncated', limitInputPixels: limits.maxPixels })
      .rotate()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    const channels = info.channels === 4 ? 4 : 3
    const pixels: Pixels = { data, width: info.width, height: info.height, channels, hasAlpha: false }
    return channels === 4 ? await dropOpaqueAlpha(pixels) : pixels
  } catch (error) {
    if (error instanceof DomainError) throw error
    const message = error instanceof Error ? error.message : ''
    if (/pixel limit/i.test(message))
      fail('image-too-large-pixels', 'The image has more pixels than allowed.')
    fail(
      'image-corrupt',
      `The ${header.type.toUpperCase()} image is truncated or corrupt and cannot be decoded.`,
    )
  }
}

/** An alpha channel that is fully opaque (common in PNG exports) is dropped so the original can be a JPEG. */
async function dropOpaqueAlpha(pixels: Pixels): Promise<Pixels> {
  // stats() measures the input image, so it is asked about the whole RGBA buffer.
  if (!(await rawSharp(pixels).stats()).isOpaque) return { ...pixels, hasAlpha: true }
  const { data, info } = await rawSharp(pixels).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height, channels: 3, hasAlpha: false }
}

/** Which size classes an image gets: never upscaled; a small image stops at its own size. */
export function variantSizes(width: number, height: number) {
  const longSide = Math.max(width, height)
  const sizes: { name: string; longSide: number; native: boolean }[] = []
  for (const size of VARIANT_SIZES) {
    const native = longSide <= size
    sizes.push({ name: String(size), longSide: native ? longSide : size, native })
    if (native) break
  }
  return sizes
}

async function resized(source: Pixels, longSide: number): Promise<Pixels> {
  const { data, info } = await rawSharp(source)
    .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { ...source, data, width: info.width, height: info.height }
}

async function encode(pixels: Pixels, name: string, format: EncodedFormat): Promise<EncodedFile> {
  if (format === 'jpeg') {
    let image = rawSharp(pixels)
    if (pixels.hasAlpha) image = image.flatten({ background: '#ffffff' })
    const { data, info } = await image
      .jpeg(name === 'original' ? JPEG_ORIGINAL : JPEG_VARIANT)
      .toBuffer({ resolveWithObject: true })
    return { name, format, width: info.width, height: info.height, bytes: withJpegIcc(data, await srgbIcc()) }
  }
  const image = rawSharp(pixels).withIccProfile('srgb')
  const encoder = format === 'webp' ? image.webp(WEBP_VARIANT) : image.png({ compressionLevel: 6 })
  const { data, info } = await encoder.toBuffer({ resolveWithObject: true })
  return { name, format, width: info.width, height: info.height, bytes: data }
}

let srgbProfile: Promise<Buffer> | undefined

/** The sRGB ICC profile libvips attaches, read once from a 1-pixel image. */
function srgbIcc(): Promise<Buffer> {
  srgbProfile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } })
    .withIccProfile('srgb')
    .jpeg()
    .toBuffer()
    .then((jpeg) => sharp(jpeg).metadata())
    .then((meta) => meta.icc ?? fail('internal', 'libvips has no sRGB profile'))
  return srgbProfile
}

/**
 * Tags a JPEG as sRGB by inserting the profile as one APP2 ICC_PROFILE segment (ICC.1 Annex B.4)
 * after SOI and the JFIF APP0. The pixels are already sRGB, so this is what `withIccProfile('srgb')`
 * would produce, without its colour transform over every pixel (about 100 ms per 12 megapixels).
 */
export function withJpegIcc(jpeg: Buffer, icc: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), icc])
  const header = Buffer.alloc(4)
  header.writeUInt16BE(0xffe2, 0)
  header.writeUInt16BE(payload.length + 2, 2)
  const at = jpeg[2] === 0xff && jpeg[3] === 0xe0 ? 4 + jpeg.readUInt16BE(4) : 2
  return Buffer.concat([jpeg.subarray(0, at), header, payload, jpeg.subarray(at)])
}

async function blurhashOf(source: Pixels): Promise<string> {
  let image = rawSharp(source).resize(32, 32, { fit: 'inside' })
  if (source.hasAlpha) image = image.flatten({ background: '#ffffff' })
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  return encodeBlurhash(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
    BLURHASH_COMPONENTS.x,
    BLURHASH_COMPONENTS.y,
  )
}

/**
 * sharp's settings are process-wide. Its operation cache is off: decoded pixels are users'
 * unpublished material and should not linger, and the cache only helps repeated identical work.
 * libvips threads per image are split so `parallelJobs` images together use about every core.
 */
export function configureSharp(parallelJobs: number): void {
  sharp.cache(false)
  sharp.concurrency(Math.max(1, Math.floor(os.availableParallelism() / parallelJobs)))
}

function rawSharp(pixels: Pixels): Sharp {
  return sharp(pixels.data, {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels },
    limitInputPixels: false,
  })
}

function refuseHeic(): never {
  fail(
    'unsupported-image',
    'HEIC/HEIF images are not supported by this server build (its libvips has no HEVC decoder). Export the photo as JPEG or AVIF (on an iPhone: Settings → Camera → Formats → Most Compatible).',
  )
}

function formatMegapixels(pixels: number): string {
  return `${(pixels / 1_000_000).toFixed(1)} megapixels`
}
