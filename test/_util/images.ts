import { deflateSync } from 'node:zlib'
import piexif from 'piexifjs'
import sharp from 'sharp'

/**
 * Image fixtures made by code, so each test shows exactly what it feeds the pipeline. All tiny
 * except where size is the point.
 */

/** Metadata planted in `exifJpeg()`: none of these may appear in any stored file. */
export const planted = {
  serial: 'SN-SECRET-4711',
  make: 'SecretCam',
  makerNote: 'MAKERNOTE-SECRET',
  xmpCreator: 'XMP Secret Photographer',
  iptcByline: 'IPTC Secret Byline',
  iptcCity: 'Secret Set Location',
  comment: 'COM secret comment',
  artist: 'EXIF Artist Name',
  /** 51°30′12.34″N 0°07′39″W, i.e. the set. */
  latitude: [
    [51, 1],
    [30, 1],
    [1234, 100],
  ],
  longitude: [
    [0, 1],
    [7, 1],
    [3900, 100],
  ],
}

/** A solid-colour or two-colour JPEG: left half `left`, right half `right`. */
export async function plainJpeg(
  width = 40,
  height = 20,
  left = '#ff0000',
  right = '#0000ff',
): Promise<Buffer> {
  const half = Math.max(1, Math.floor(width / 2))
  const rightHalf = await sharp({ create: { width: width - half, height, channels: 3, background: right } })
    .png()
    .toBuffer()
  return sharp({ create: { width, height, channels: 3, background: left } })
    .composite([{ input: rightHalf, left: half, top: 0 }])
    .jpeg({ quality: 95 })
    .toBuffer()
}

/**
 * A 40×20 JPEG (red left, blue right) carrying EXIF with Orientation 6, GPS, camera make and body
 * serial, a maker note and a 1st-IFD embedded thumbnail; an APP1 XMP packet; an APP13 IPTC block;
 * and a COM comment.
 */
export async function exifJpeg(): Promise<Buffer> {
  const base = await plainJpeg(40, 20)
  const thumbnail = (await plainJpeg(8, 4, '#00ff00', '#00ff00')).toString('binary')
  const exif = piexif.dump({
    '0th': {
      [piexif.ImageIFD.Orientation!]: 6,
      [piexif.ImageIFD.Make!]: planted.make,
      [piexif.ImageIFD.Model!]: 'Model X',
      [piexif.ImageIFD.Artist!]: planted.artist,
    },
    Exif: {
      [piexif.ExifIFD.BodySerialNumber!]: planted.serial,
      [piexif.ExifIFD.MakerNote!]: planted.makerNote,
      [piexif.ExifIFD.DateTimeOriginal!]: '2024:05:01 10:11:12',
    },
    GPS: {
      [piexif.GPSIFD.GPSLatitudeRef!]: 'N',
      [piexif.GPSIFD.GPSLatitude!]: planted.latitude,
      [piexif.GPSIFD.GPSLongitudeRef!]: 'W',
      [piexif.GPSIFD.GPSLongitude!]: planted.longitude,
    },
    '1st': { [piexif.ImageIFD.XResolution!]: [72, 1], [piexif.ImageIFD.YResolution!]: [72, 1] },
    thumbnail,
  })
  const withExif = Buffer.from(piexif.insert(exif, base.toString('binary')), 'binary')
  return spliceAfterSoi(withExif, [xmpSegment(), iptcSegment(), comSegment(planted.comment)])
}

function segment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt16BE(0xff00 | marker, 0)
  header.writeUInt16BE(payload.length + 2, 2)
  return Buffer.concat([header, payload])
}

function xmpSegment(): Buffer {
  const xmp = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/">
<dc:creator><rdf:Seq><rdf:li>${planted.xmpCreator}</rdf:li></rdf:Seq></dc:creator>
<exif:GPSLatitude>51,30.2057N</exif:GPSLatitude>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
  return segment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0'), Buffer.from(xmp)]))
}

function iptcSegment(): Buffer {
  const dataset = (record: number, tag: number, value: string) => {
    const bytes = Buffer.from(value)
    const head = Buffer.from([0x1c, record, tag, 0, 0])
    head.writeUInt16BE(bytes.length, 3)
    return Buffer.concat([head, bytes])
  }
  const iptc = Buffer.concat([
    dataset(2, 0, '\u0000\u0004'),
    dataset(2, 80, planted.iptcByline),
    dataset(2, 90, planted.iptcCity),
  ])
  const resource = Buffer.alloc(12)
  resource.write('8BIM', 0, 'latin1')
  resource.writeUInt16BE(0x0404, 4) // IPTC-NAA record
  resource.writeUInt16BE(0, 6) // empty Pascal name, padded to even length
  resource.writeUInt32BE(iptc.length, 8)
  const padded = iptc.length % 2 ? Buffer.concat([iptc, Buffer.alloc(1)]) : iptc
  return segment(0xed, Buffer.concat([Buffer.from('Photoshop 3.0\0'), resource, padded]))
}

function comSegment(text: string): Buffer {
  return segment(0xfe, Buffer.from(text))
}

/** Inserts segments right after the SOI marker (and any APP0/APP1 that follow it). */
function spliceAfterSoi(jpeg: Buffer, segments: Buffer[]): Buffer {
  let at = 2
  while (jpeg[at] === 0xff && (jpeg[at + 1] === 0xe0 || jpeg[at + 1] === 0xe1)) {
    at += 2 + jpeg.readUInt16BE(at + 2)
  }
  return Buffer.concat([jpeg.subarray(0, at), ...segments, jpeg.subarray(at)])
}

/** A real-looking JPEG cut off at 60% of its length. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await noisyJpeg(64, 64)
  return full.subarray(0, Math.floor(full.length * 0.6))
}

/**
 * 981 bytes of JPEG declaring 2000×1500 whose scan data stops short but which ends with an
 * end-of-image marker: the container looks complete, and only the decoder notices ("premature end
 * of data segment").
 */
export async function dataCutJpeg(): Promise<Buffer> {
  const cut = withJpegSize(await noisyJpeg(64, 64), 2000, 1500).subarray(0, 979)
  return Buffer.concat([cut, Buffer.from([0xff, 0xd9])])
}

/** A real-looking PNG cut off at 60% of its length (no IEND chunk). */
export async function truncatedPng(): Promise<Buffer> {
  const full = await sharp(await noisyJpeg(64, 64))
    .png()
    .toBuffer()
  return full.subarray(0, Math.floor(full.length * 0.6))
}

/** Rewrites the frame size in a JPEG's SOF header, so a small file claims to be `width`×`height`. */
export function withJpegSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg)
  for (let at = 2; at + 9 < out.length; at += 2 + out.readUInt16BE(at + 2)) {
    const marker = out[at + 1]!
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(height, at + 5)
      out.writeUInt16BE(width, at + 7)
      return out
    }
  }
  throw new Error('no SOF marker')
}

/**
 * The header bomb of issue 14: 981 bytes of JPEG declaring 9000×9000 (81 megapixels), cut off
 * early in its scan data. Decoding it would fill 243 MB with grey.
 */
export async function jpegHeaderBomb(width = 9000, height = 9000): Promise<Buffer> {
  return withJpegSize(await noisyJpeg(64, 64), width, height).subarray(0, 981)
}

/** A JPEG of random-ish pixels (so it compresses like a photo). */
export async function noisyJpeg(width: number, height: number, quality = 90): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3)
  let seed = 0x2545f491
  for (let i = 0; i < pixels.length; i++) {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    pixels[i] = ((i % (width * 3)) / 12 + ((seed >>> 0) & 0x3f)) & 0xff
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer()
}

/**
 * A valid single-colour PNG of `width`×`height` 1-bit grey pixels: 20000×20000 is 400 megapixels
 * that decode to over a gigabyte, in a file of about 50 KB.
 */
export function pngBomb(width = 20_000, height = 20_000): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 1 // bit depth
  ihdr[9] = 0 // greyscale
  const row = Buffer.alloc(1 + Math.ceil(width / 8)) // filter byte 0, all-black pixels
  const raw = Buffer.alloc(row.length * height)
  const idat = deflateSync(raw, { level: 9 })
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

export const polyglotScript = '<script>alert(1)</script>'

/** A small valid JPEG followed by a script: a browser sniffing it as HTML would run it. */
export async function polyglotJpeg(): Promise<Buffer> {
  return Buffer.concat([await plainJpeg(16, 16), Buffer.from(polyglotScript)])
}

export const htmlFile = Buffer.from(`<!doctype html><html><body>${polyglotScript}</body></html>`)

export const svgFile = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${polyglotScript}<rect width="10" height="10"/></svg>`,
)

export interface UploadOptions {
  filename?: string
  contentType?: string
  alt?: string
  credit?: string
  spoiler?: string
  /** Extra form fields, to test refusal of unknown ones. */
  extra?: Record<string, string>
  /** Extra request headers (e.g. X-Forwarded-For). */
  headers?: Record<string, string>
}

/** POSTs one file to /api/v1/media as multipart/form-data; returns status, headers and parsed JSON. */
export async function uploadImage(
  baseUrl: string,
  token: string,
  bytes: Uint8Array,
  options: UploadOptions = {},
) {
  const form = new FormData()
  for (const name of ['alt', 'credit', 'spoiler'] as const) {
    if (options[name] !== undefined) form.append(name, options[name]!)
  }
  for (const [name, value] of Object.entries(options.extra ?? {})) form.append(name, value)
  const blob = new Blob([bytes], { type: options.contentType ?? 'image/jpeg' })
  form.append('file', blob, options.filename ?? 'photo.jpg')
  const res = await fetch(`${baseUrl}/api/v1/media`, {
    method: 'POST',
    headers: { ...options.headers, authorization: `Bearer ${token}` },
    body: form,
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined }
}

/**
 * A photo-like JPEG: a soft scene (gradients, blobs, a horizon) with textured regions at several
 * scales (value noise, like foliage or fabric) and sensor noise, different for each `seed`. What
 * watermark tests need: content that compresses, resizes and hides a mark like a photograph does,
 * not flat colour.
 */
export async function photoLikeJpeg(
  width: number,
  height: number,
  seed: number,
  quality = 92,
): Promise<Buffer> {
  let s = (seed * 2654435761) >>> 0 || 1
  const random = () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4294967296
  }
  const octave = (cell: number) => {
    const cols = Math.ceil(width / cell) + 2
    const rows = Math.ceil(height / cell) + 2
    const grid = Float32Array.from({ length: cols * rows }, () => random() * 2 - 1)
    return (x: number, y: number) => {
      const gx = x / cell
      const gy = y / cell
      const x0 = Math.floor(gx)
      const y0 = Math.floor(gy)
      const fx = gx - x0
      const fy = gy - y0
      const at = (cx: number, cy: number) => grid[cy * cols + cx]!
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
      return top * (1 - fy) + bottom * fy
    }
  }
  const coarse = octave(97 + Math.floor(random() * 60))
  const medium = octave(23 + Math.floor(random() * 10))
  const fine = octave(4 + Math.floor(random() * 3))
  const horizon = height * (0.35 + random() * 0.3)
  const hue = [random(), random(), random()]
  const pixels = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ground = y > horizon
      const shade =
        120 + 70 * coarse(x, y) + (ground ? 28 * medium(x, y) + 22 * fine(x, y) : -(y / height) * 40)
      const i = (y * width + x) * 3
      for (let c = 0; c < 3; c++) {
        const tint = ground ? 0.6 + 0.5 * hue[c]! : 0.8 + 0.3 * hue[(c + 1) % 3]!
        const noise = (random() - 0.5) * 6
        pixels[i + c] = Math.max(0, Math.min(255, Math.round(shade * tint + noise)))
      }
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer()
}
