/**
 * What an uploaded file really is, from its first bytes. The filename and the client's content
 * type are never consulted: an HTML page named photo.jpg is HTML.
 */
export type DetectedType = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'heic'

export const mimeOf: Record<DetectedType, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  heic: 'image/heic',
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1'])
const AVIF_BRANDS = new Set(['avif', 'avis'])

/** The image type the bytes start with, or null for anything else (SVG, HTML, TIFF, BMP, text…). */
export function detectImageType(bytes: Uint8Array): DetectedType | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 64))
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg'
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png'
  const ascii = (from: number, to: number) => b.subarray(from, to).toString('latin1')
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif'
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp'
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') return isoBrandType(bytes)
  return null
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** ISO-BMFF (HEIF family): the `ftyp` box lists a major brand and compatible brands. */
function isoBrandType(bytes: Uint8Array): DetectedType | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const boxSize = Math.min(b.readUInt32BE(0), b.length, 256)
  const brands = [b.subarray(8, 12).toString('latin1')]
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(b.subarray(at, at + 4).toString('latin1'))
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif'
  if (brands.some((brand) => HEIF_BRANDS.has(brand))) return 'heic'
  return null
}
