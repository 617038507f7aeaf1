import exifr from 'exifr'
import { planted } from './images.js'

/**
 * Independent checks that a stored image file carries no metadata: exifr (a reader unrelated to
 * libvips) for JPEG and PNG, a RIFF chunk walk for WebP (exifr does not read WebP), and raw byte
 * searches for the markers and planted values in every format.
 */
export async function metadataFound(bytes: Buffer, format: 'jpeg' | 'webp' | 'png'): Promise<string[]> {
  const found: string[] = []
  const markers = [
    'Exif\u0000\u0000',
    'http://ns.adobe.com/xap',
    'Photoshop 3.0',
    '8BIM',
    planted.serial,
    planted.make,
    planted.makerNote,
    planted.xmpCreator,
    planted.iptcByline,
    planted.iptcCity,
    planted.comment,
    planted.artist,
  ]
  for (const marker of markers)
    if (bytes.includes(marker)) found.push(`bytes contain ${JSON.stringify(marker)}`)
  if (format === 'webp') {
    for (const chunk of riffChunks(bytes)) {
      if (!['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ICCP'].includes(chunk)) found.push(`WebP chunk ${chunk}`)
    }
    return found
  }
  const parsed = await exifr.parse(bytes, {
    tiff: true,
    ifd1: true,
    exif: true,
    gps: true,
    interop: true,
    makerNote: true,
    userComment: true,
    xmp: true,
    iptc: true,
    icc: false,
    jfif: false,
    ihdr: false,
    mergeOutput: false,
  })
  if (parsed && Object.keys(parsed).length > 0) found.push(`exifr: ${JSON.stringify(Object.keys(parsed))}`)
  if (await exifr.thumbnail(bytes)) found.push('embedded thumbnail')
  if (await exifr.gps(bytes).catch(() => undefined)) found.push('GPS')
  if (format === 'jpeg') {
    for (const marker of jpegMarkers(bytes)) {
      // APP0 (JFIF) and APP2 (the sRGB ICC profile we attach) are the only application segments allowed.
      if ((marker >= 0xe1 && marker <= 0xef && marker !== 0xe2) || marker === 0xfe) {
        found.push(`JPEG segment 0x${marker.toString(16)}`)
      }
    }
  }
  return found
}

function riffChunks(bytes: Buffer): string[] {
  const chunks: string[] = []
  for (let at = 12; at + 8 <= bytes.length; ) {
    chunks.push(bytes.subarray(at, at + 4).toString('latin1'))
    const size = bytes.readUInt32LE(at + 4)
    at += 8 + size + (size % 2)
  }
  return chunks
}

/** Markers of the segments before the image data (SOS). */
function jpegMarkers(bytes: Buffer): number[] {
  const markers: number[] = []
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff; ) {
    const marker = bytes[at + 1]!
    markers.push(marker)
    if (marker === 0xda) break
    at += 2 + bytes.readUInt16BE(at + 2)
  }
  return markers
}
