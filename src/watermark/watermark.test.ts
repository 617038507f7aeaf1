import sharp from 'sharp'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { photoLikeJpeg } from '../../test/_util/images.js'
import { decodeRaw, detectWatermark, embedWatermark, watermarkKey } from './index.js'

/**
 * The traced-preview promise (issue 19 part 4): an image served to recipient A, leaked after the
 * usual abuse (re-saved at JPEG quality 70, halved, cropped by 10%, or all three), is attributed
 * to A among the issued recipients, never to B; an image nobody marked is attributed to no one.
 */
// Each detection searches every scale of a full-size image: seconds each on two busy cores.
vi.setConfig({ testTimeout: 180_000 })

const recipients = ['variety', 'deadline', 'el-pais', 'screen-daily'].map((name) => ({
  id: name,
  key: watermarkKey(`token-hash-of-${name}`),
}))
const [a, b] = recipients as [(typeof recipients)[number], (typeof recipients)[number]]

const attacks: Record<string, (image: Buffer) => Promise<Buffer>> = {
  'JPEG quality 70': (image) => sharp(image).jpeg({ quality: 70 }).toBuffer(),
  'half size': async (image) => {
    const { width } = await sharp(image).metadata()
    return sharp(image)
      .resize(Math.round(width! / 2))
      .jpeg({ quality: 90 })
      .toBuffer()
  },
  '10% crop': (image) => cropTenPercent(image).then((i) => i.jpeg({ quality: 90 }).toBuffer()),
  'crop, half size and quality 70': async (image) => {
    const cropped = await (await cropTenPercent(image)).toBuffer()
    const { width } = await sharp(cropped).metadata()
    return sharp(cropped)
      .resize(Math.round(width! / 2))
      .jpeg({ quality: 70 })
      .toBuffer()
  },
}

/** Keeps 90% of each side, off centre (more off the top and left). */
async function cropTenPercent(image: Buffer) {
  const { width, height } = await sharp(image).metadata()
  const w = Math.round(width! * 0.9)
  const h = Math.round(height! * 0.9)
  return sharp(image).extract({
    left: Math.round(width! * 0.07),
    top: Math.round(height! * 0.03),
    width: w,
    height: h,
  })
}

describe.each([
  { seed: 11, width: 1080, height: 720 },
  { seed: 29, width: 800, height: 1000 },
])('a photo-like $width×$height image (seed $seed)', ({ seed, width, height }) => {
  let original: Buffer
  let markedForA: Buffer
  beforeAll(async () => {
    original = await photoLikeJpeg(width, height, seed)
    markedForA = await embedWatermark(original, a.key, 'jpeg', 82)
  })

  it('keeps its look: PSNR above 38 dB against the unmarked pixels', async () => {
    const before = await decodeRaw(original)
    const after = await decodeRaw(markedForA)
    let squared = 0
    for (let i = 0; i < before.data.length; i++) squared += (before.data[i]! - after.data[i]!) ** 2
    const psnr = 10 * Math.log10(255 ** 2 / (squared / before.data.length))
    expect(psnr).toBeGreaterThan(38)
  })

  it.each(Object.keys(attacks))('is traced to its recipient after %s, and to no one else', async (name) => {
    const leaked = await attacks[name]!(markedForA)
    const found = await detectWatermark(leaked, recipients)
    expect(found.match?.id).toBe('variety')
    expect(found.scores.find((s) => s.id === b.id)!.score).toBeLessThan(found.match!.score / 2)
  })

  it('attributes the public (unmarked) image to no one, even after the attacks', async () => {
    expect((await detectWatermark(original, recipients)).match).toBeNull()
    const leaked = await attacks['crop, half size and quality 70']!(original)
    expect((await detectWatermark(leaked, recipients)).match).toBeNull()
  })

  it("attributes B's copy to B, never to A", async () => {
    const markedForB = await embedWatermark(original, b.key, 'webp', 80)
    const found = await detectWatermark(await attacks['JPEG quality 70']!(markedForB), recipients)
    expect(found.match?.id).toBe(b.id)
    const withoutB = await detectWatermark(markedForB, [a, ...recipients.slice(2)])
    expect(withoutB.match).toBeNull()
  })
})
