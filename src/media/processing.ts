/**
 * The image pipeline: a pure function from uploaded bytes to re-encoded files. Nothing the client
 * sent is stored as is — every stored file, the "original" included, is a fresh encoding of the
 * decoded pixels, so no metadata block (EXIF with GPS and maker notes, XMP, IPTC, embedded
 * thumbnails, comments) and no trailing bytes (a script appended to a valid image) can survive.
 *
 * Memory (issue 14 item 3): no step holds the decoded full-size image. The original is encoded
 * straight from the file by one streaming libvips pipeline (sequential read, a few rows at a time;
 * libvips spills to a temporary file when a rotation needs random access), and the variants come
 * from a second read that shrinks while it loads (JPEG and WebP decode at 1/2, 1/4 or 1/8 scale) to
 * at most 2048 px. One image then holds its input, its encoded original and a 2048-px working copy.
 *
 * All sharp work runs in libuv worker threads; the event loop only slices buffers.
 */
import os from 'node:os'
import { encode as encodeBlurhash } from 'blurhash'
import sharp, { type Sharp, type SharpOptions } from 'sharp'
import { DomainError, fail } from '../errors.js'
import { type ImageHeader, inspectImage, type ProcessingLimits } from './inspect.js'

export { type ImageHeader, inspectImage, type ProcessingLimits } from './inspect.js'

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

// Huffman tables are not optimised for the original: libjpeg would keep every DCT coefficient of
// the image in memory for a second pass (measured: +350 MB for 49 megapixels, against +70 MB in one
// pass, and 2.4× the time) to save a few percent of the file size. Variants are small: optimised.
const JPEG_ORIGINAL = { quality: 90, mozjpeg: false, optimiseCoding: false } as const
const JPEG_VARIANT = { quality: 82, mozjpeg: false } as const
// Effort 2 of 6: ~40% faster than the default with files within a few percent of its size.
const WEBP_VARIANT = { quality: 80, effort: 2 } as const
const BLURHASH_COMPONENTS = { x: 4, y: 3 } as const

/**
 * Applies EXIF orientation, converts to sRGB, then encodes the original and every variant, each
 * tagged with an sRGB ICC profile and nothing else; the first frame only of a GIF. Throws what
 * `inspectImage` refuses, and `image-corrupt` for an image that fails to decode (the decoder is
 * also held to the pixel limit, should it meet more pixels than the header declared).
 */
export async function processImage(bytes: Buffer, limits: ProcessingLimits): Promise<ProcessedImage> {
  const header = await inspectImage(bytes, limits)
  return decodeStrictly(bytes, header, limits, async (input) => {
    const keepAlpha = header.hasAlpha && !(await isOpaque(bytes, input))
    const original = await encodeOriginal(bytes, input, keepAlpha)
    const sizes = [...variantSizes(original.width, original.height)].reverse()
    let source = await loadScaled(bytes, input, sizes[0]!.longSide, keepAlpha)
    const variants: EncodedFile[] = []
    for (const size of sizes) {
      if (Math.max(source.width, source.height) > size.longSide) source = await resized(source, size.longSide)
      variants.unshift(await encode(source, size.name, 'webp'), await encode(source, size.name, 'jpeg'))
    }
    const blurhash = await blurhashOf(source)
    return { ...header, width: original.width, height: original.height, blurhash, original, variants }
  })
}

/**
 * Runs `work` with sharp's strictest decoding (`failOn: 'warning'`), which stops at libjpeg's first
 * complaint: a JPEG whose data stops short but still ends with an end-of-image marker ("premature
 * end of data segment") is refused in milliseconds, where `failOn: 'truncated'` decodes it to grey
 * and accepts it. Some cameras write JPEGs that only draw a harmless warning ("extraneous bytes
 * before marker"); such a file is processed once more with `failOn: 'truncated'` if it is as large
 * as a photo of its size would be (`TOLERANT_MIN_BYTES_PER_PIXEL`), so that decoding it in spite of
 * a warning never costs more work per byte sent than a photo does.
 *
 * The decision reads no error message: libvips keeps its errors in one process-wide buffer, so with
 * several images in progress a message may belong to another image (seen in bench:abuse).
 */
async function decodeStrictly<T>(
  bytes: Buffer,
  header: ImageHeader,
  limits: ProcessingLimits,
  work: (input: SharpOptions) => Promise<T>,
): Promise<T> {
  const input = (failOn: SharpOptions['failOn']): SharpOptions => ({
    failOn,
    limitInputPixels: limits.maxPixels,
    sequentialRead: true,
  })
  try {
    return await work(input('warning'))
  } catch (error) {
    if (error instanceof DomainError) throw error
    if (bytes.length < header.width * header.height * TOLERANT_MIN_BYTES_PER_PIXEL) refuseBroken(header)
  }
  try {
    return await work(input('truncated'))
  } catch (error) {
    if (error instanceof DomainError) throw error
    refuseBroken(header)
  }
}

/**
 * A 12-megapixel photo is about 0.25 bytes per pixel as a JPEG; a bomb declaring 49 megapixels in
 * 981 bytes is 0.00002. A very flat image (a single-colour JPEG: 0.006) that also draws a warning
 * is refused: the rare price of never decoding a warned-about file for nothing.
 */
const TOLERANT_MIN_BYTES_PER_PIXEL = 1 / 32

function refuseBroken(header: ImageHeader): never {
  fail(
    'image-corrupt',
    `The ${header.type.toUpperCase()} image is truncated or corrupt and cannot be decoded.`,
  )
}

interface Pixels {
  data: Buffer
  width: number
  height: number
  channels: 3 | 4
  hasAlpha: boolean
}

/** Whether every pixel is fully opaque: such an alpha channel (common in PNG exports) is dropped. */
async function isOpaque(bytes: Buffer, input: SharpOptions): Promise<boolean> {
  // One byte per pixel, compared natively against a block of 0xFF rather than in a JS loop.
  const alpha = await sharp(bytes, input).extractChannel('alpha').raw().toBuffer()
  for (let at = 0; at < alpha.length; at += OPAQUE.length) {
    const end = Math.min(alpha.length, at + OPAQUE.length)
    if (alpha.compare(OPAQUE, 0, end - at, at, end) !== 0) return false
  }
  return true
}

const OPAQUE = Buffer.alloc(64 * 1024, 0xff)

/** The full-size original, encoded in one streaming pass from the file. */
async function encodeOriginal(bytes: Buffer, input: SharpOptions, keepAlpha: boolean): Promise<EncodedFile> {
  const image = oriented(bytes, input, keepAlpha)
  if (keepAlpha) {
    const { data, info } = await image
      .withIccProfile('srgb')
      .png({ compressionLevel: 6 })
      .toBuffer({ resolveWithObject: true })
    return { name: 'original', format: 'png', width: info.width, height: info.height, bytes: data }
  }
  const { data, info } = await image.jpeg(JPEG_ORIGINAL).toBuffer({ resolveWithObject: true })
  const bytesWithIcc = withJpegIcc(data, await srgbIcc())
  return { name: 'original', format: 'jpeg', width: info.width, height: info.height, bytes: bytesWithIcc }
}

/** Decoded pixels at most `longSide` long, shrunk while loading: never the full-size image. */
async function loadScaled(
  bytes: Buffer,
  input: SharpOptions,
  longSide: number,
  keepAlpha: boolean,
): Promise<Pixels> {
  const { data, info } = await oriented(bytes, input, keepAlpha)
    .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true })
  const channels = info.channels === 4 ? 4 : 3
  return { data, width: info.width, height: info.height, channels, hasAlpha: channels === 4 }
}

function oriented(bytes: Buffer, input: SharpOptions, keepAlpha: boolean): Sharp {
  const image = sharp(bytes, input).rotate().toColourspace('srgb')
  return keepAlpha ? image.ensureAlpha() : image.removeAlpha()
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
    const { data, info } = await image.jpeg(JPEG_VARIANT).toBuffer({ resolveWithObject: true })
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
 * unpublished material and should not linger, the cache only helps repeated identical work, and
 * it would hold up to 50 MB beyond what the images in progress need. libvips threads per image are
 * split so `parallelJobs` images together use about every core (each thread also holds its own
 * strip buffers, so more threads per image would mean more memory, not just more speed).
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
