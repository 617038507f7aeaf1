import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { exifJpeg } from '../../test/_util/images.js'
import { findTruncation } from './container.js'
import type { DetectedType } from './detect.js'

/** A photo-like image (noise compresses like a photo) in `format`. */
async function image(format: 'jpeg' | 'png' | 'webp' | 'avif', options: sharp.JpegOptions = {}) {
  const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 }
  const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#806040', noise } })
  if (format === 'jpeg') return base.jpeg(options).toBuffer()
  if (format === 'png') return base.png().toBuffer()
  if (format === 'webp') return base.webp().toBuffer()
  return base.avif({ effort: 0 }).toBuffer()
}

const script = Buffer.from('<script>alert(1)</script>')

describe('findTruncation', () => {
  it.each(['jpeg', 'png', 'webp', 'avif'] as const)(
    'finds a complete %s complete, also with bytes after its end',
    async (format) => {
      const whole = await image(format)
      expect(findTruncation(format, whole)).toBeNull()
      if (format !== 'webp') expect(findTruncation(format, Buffer.concat([whole, script]))).toBeNull()
    },
  )

  it('walks progressive JPEGs (several scans) and EXIF thumbnails (a JPEG inside APP1) to the real end', async () => {
    const progressive = await image('jpeg', { progressive: true })
    expect(findTruncation('jpeg', progressive)).toBeNull()
    expect(findTruncation('jpeg', progressive.subarray(0, progressive.length - 2))).toMatch(/end-of-image/)
    // The fixture's EXIF block holds a thumbnail, with its own end-of-image marker.
    const withThumbnail = await exifJpeg()
    expect(findTruncation('jpeg', withThumbnail)).toBeNull()
    expect(findTruncation('jpeg', withThumbnail.subarray(0, withThumbnail.length - 2))).toMatch(
      /end-of-image/,
    )
  })

  it.each([
    ['jpeg', /JPEG ends before its end-of-image marker/],
    ['png', /PNG ends before its IEND chunk/],
    ['webp', /RIFF header says/],
    ['avif', /box runs past the end/],
  ] as const)('finds a %s cut anywhere after its header truncated', async (format, reason) => {
    const whole = await image(format)
    for (const fraction of [0.5, 0.9, 0.99]) {
      const cut = whole.subarray(0, Math.floor(whole.length * fraction))
      expect(findTruncation(format as DetectedType, cut)).toMatch(reason)
    }
    // One byte short: the last marker, chunk or box is incomplete.
    expect(findTruncation(format as DetectedType, whole.subarray(0, whole.length - 1))).toMatch(reason)
  })
})
