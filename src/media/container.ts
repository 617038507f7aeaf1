/**
 * Cheap completeness checks on an image's container, run before anything is decoded (issue 14
 * item 3). libvips notices a file cut short only when its decoder reaches the missing bytes, i.e.
 * after decoding everything before them — seconds for a large image that is 99% there. Walking the
 * container's structure costs a few microseconds per segment and no pixel work.
 *
 * Hand-written because no library we use exposes it: sharp's `metadata()` reads only the headers
 * (it accepts a JPEG or PNG cut in half), and its `failOn` acts while decoding. Bytes after the end
 * of the image (a "polyglot") are not a truncation: they are dropped by re-encoding.
 */
import type { DetectedType } from './detect.js'

/** Why the file is cut short, or null when its container is complete (or not checked here). */
export function findTruncation(type: DetectedType, bytes: Buffer): string | null {
  if (type === 'jpeg') return jpegTruncation(bytes)
  if (type === 'png') return pngTruncation(bytes)
  if (type === 'webp') return webpTruncation(bytes)
  if (type === 'avif') return isoBoxTruncation(bytes)
  // GIF: libvips' GIF loader walks every block while reading the header, so `metadata()` already
  // refuses a cut-off GIF.
  return null
}

/**
 * A JPEG is a run of marker segments; each scan (SOS) is followed by entropy-coded data in which a
 * 0xFF byte is always followed by 0x00 (stuffing) or a restart marker, so the next real marker is
 * the first other 0xFF pair. The file is complete once the walk reaches EOI (0xFFD9).
 */
function jpegTruncation(b: Buffer): string | null {
  let at = 2 // after SOI
  for (;;) {
    // libjpeg skips stray bytes before a marker (with a warning), so this walk does too.
    at = b.indexOf(0xff, at)
    if (at === -1 || at + 1 >= b.length) break
    const marker = b[at + 1]!
    if (marker === 0xd9) return null // EOI
    if (marker === 0xff || marker === 0x00 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += marker === 0xff ? 1 : 2 // a fill byte, or a marker without a length
      continue
    }
    if (at + 4 > b.length) break
    at += 2 + b.readUInt16BE(at + 2)
    if (marker === 0xda) at = nextMarkerAfterScan(b, at)
  }
  return 'the JPEG ends before its end-of-image marker'
}

function nextMarkerAfterScan(b: Buffer, from: number): number {
  let at = b.indexOf(0xff, from)
  while (at !== -1 && at + 1 < b.length) {
    const next = b[at + 1]!
    if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) return at
    at = b.indexOf(0xff, at + 2)
  }
  return b.length
}

/** A PNG is a run of chunks (length, type, data, CRC) that ends with IEND. */
function pngTruncation(b: Buffer): string | null {
  let at = 8 // after the signature
  while (at + 12 <= b.length) {
    const length = b.readUInt32BE(at)
    const end = at + 12 + length
    if (end > b.length) break
    if (b.toString('latin1', at + 4, at + 8) === 'IEND') return null
    at = end
  }
  return 'the PNG ends before its IEND chunk'
}

/** A WebP file is one RIFF chunk whose header states its size. */
function webpTruncation(b: Buffer): string | null {
  const size = 8 + b.readUInt32LE(4)
  return size > b.length ? `the WebP file is ${b.length} bytes but its RIFF header says ${size}` : null
}

/**
 * AVIF (ISO BMFF) is a run of top-level boxes, each stating its size; `meta` describes the image
 * and `mdat` usually holds its data. Once both are complete, whatever follows is trailing bytes.
 */
function isoBoxTruncation(b: Buffer): string | null {
  const complete = new Set<string>()
  let at = 0
  while (at + 8 <= b.length && !(complete.has('meta') && complete.has('mdat'))) {
    const size32 = b.readUInt32BE(at)
    const type = b.toString('latin1', at + 4, at + 8)
    if (size32 === 0) return null // the last box runs to the end of the file
    const size = size32 === 1 && at + 16 <= b.length ? Number(b.readBigUInt64BE(at + 8)) : size32
    if (size < 8 || at + size > b.length) return `the ${type} box runs past the end of the file`
    complete.add(type)
    at += size
  }
  return null
}
