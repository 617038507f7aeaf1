import { deflateSync } from 'node:zlib'
import sharp from 'sharp'

/**
 * The files of the images scenario, made here so the benchmark shows exactly what it sends:
 * three kinds of decompression bomb from issue 14 and a realistic 12-megapixel photo.
 */
export interface Bomb {
  kind: string
  bytes: Buffer
}

/** Rewrites the frame size in a JPEG's SOF header, so a small file claims to be `width`×`height`. */
function withJpegSize(jpeg: Buffer, width: number, height: number): Buffer {
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

async function smallJpeg(): Promise<Buffer> {
  const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 }
  return sharp({ create: { width: 64, height: 64, channels: 3, background: '#806040', noise } })
    .jpeg({ quality: 90 })
    .toBuffer()
}

/**
 * - `jpeg-9000x9000`: 981 bytes declaring 9000×9000 (81 MP), cut off in its scan data — the
 *   issue's file, once accepted after 5 s of decoding with the server growing by 700 MB;
 * - `png-90mp`: a valid all-black 10000×9000 8-bit PNG, 88 KB — once 8 s and 950 MB;
 * - `jpeg-7000x7000-eoi`: 981 bytes declaring 7000×7000 (49 MP, under the 50 MP limit) whose
 *   scan data stops short but which ends with an end-of-image marker, so its container looks
 *   complete and only the decoder can tell.
 */
export async function makeBombs(): Promise<Bomb[]> {
  const small = await smallJpeg()
  const cutUnderLimit = withJpegSize(small, 7000, 7000).subarray(0, 979)
  return [
    { kind: 'jpeg-9000x9000', bytes: withJpegSize(small, 9000, 9000).subarray(0, 981) },
    { kind: 'png-90mp', bytes: blackPng(10_000, 9_000) },
    { kind: 'jpeg-7000x7000-eoi', bytes: Buffer.concat([cutUnderLimit, Buffer.from([0xff, 0xd9])]) },
  ]
}

function blackPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // greyscale
  const idat = deflateSync(Buffer.alloc((width + 1) * height), { level: 9 })
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

/**
 * A photo-like JPEG of `width`×`height`: a smooth scene (gradients, soft shapes) plus per-image
 * sensor noise, so it compresses like a photo (12 MP: about 2.7 MB) and no two share stored files.
 */
export async function photo(width: number, height: number, seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3)
  let s = (seed * 2654435761) >>> 0 || 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const blob = 60 * Math.sin(x / 170) * Math.cos(y / 230)
      const scene = [
        90 + (x / width) * 110 + blob,
        70 + (y / height) * 90 - blob / 2,
        60 + ((x + y) / (width + height)) * 120 + blob / 3,
      ]
      for (let c = 0; c < 3; c++) {
        s ^= s << 13
        s ^= s >>> 17
        s ^= s << 5
        pixels[i + c] = clamp(scene[c]! + ((s >>> 0) % 25) - 12)
      }
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer()
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v | 0
}
