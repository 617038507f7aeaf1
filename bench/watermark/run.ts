import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import sharp from 'sharp'
import {
  decodeRaw,
  detectWatermark,
  embedWatermark,
  SCORE_THRESHOLD,
  watermarkKey,
} from '../../src/watermark/index.js'
import { photoLikeJpeg } from '../../test/_util/images.js'
import { printTable } from '../lib/server-process.js'

/**
 * npm run bench:watermark — the traced-preview watermark (docs/watermark.md) over IMAGES
 * photo-like images (sizes of the served variants: 1080 and 2048 px long side) × RECIPIENTS
 * recipients: time to mark one image, PSNR of the marked image against the unmarked pixels, and the
 * detection rate after each attack (none, JPEG quality 70, half size, 10% crop, all three), tested
 * against every recipient's key as `backlot trace` does. False positives: the unmarked image after
 * each attack, and each marked image tested without its own recipient among the keys (any
 * attribution is wrong). Prints a table and writes bench/results/watermark.json.
 *
 * Usage: npm run bench:watermark [-- IMAGES RECIPIENTS]   (default 4 3)
 */
const IMAGES = Number(process.argv[2]) || 4
const RECIPIENTS = Number(process.argv[3]) || 3
const SIZES = [
  [1080, 720],
  [1365, 2048],
  [1080, 1080],
  [2048, 1152],
] as const

type Attack = (image: Buffer) => Promise<Buffer>
const cropTenPercent = async (image: Buffer) => {
  const { width, height } = await sharp(image).metadata()
  return sharp(image).extract({
    left: Math.round(width! * 0.06),
    top: Math.round(height! * 0.04),
    width: Math.round(width! * 0.9),
    height: Math.round(height! * 0.9),
  })
}
const halve = async (image: Buffer, quality: number) => {
  const { width } = await sharp(image).metadata()
  return sharp(image)
    .resize(Math.round(width! / 2))
    .jpeg({ quality })
    .toBuffer()
}
const attacks: Record<string, Attack> = {
  none: async (image) => image,
  'jpeg q70': (image) => sharp(image).jpeg({ quality: 70 }).toBuffer(),
  half: (image) => halve(image, 90),
  'crop 10%': async (image) => (await cropTenPercent(image)).jpeg({ quality: 90 }).toBuffer(),
  'crop+half+q70': async (image) => halve(await (await cropTenPercent(image)).toBuffer(), 70),
}

const keys = Array.from({ length: RECIPIENTS }, (_, i) => ({ id: i, key: watermarkKey(`bench-link-${i}`) }))
const embedMs: number[] = []
const psnrs: number[] = []
const detectMs: number[] = []
const found = Object.fromEntries(
  Object.keys(attacks).map((a) => [a, { hits: 0, wrong: 0, tries: 0, scores: [] as number[] }]),
)
const unmarked = Object.fromEntries(
  Object.keys(attacks).map((a) => [a, { falsePositives: 0, tries: 0, maxScore: 0 }]),
)
const wrongRecipient = { falsePositives: 0, tries: 0, maxScore: 0 }

for (let i = 0; i < IMAGES; i++) {
  const [width, height] = SIZES[i % SIZES.length]!
  const original = await photoLikeJpeg(width, height, 100 + i, 88)
  const originalPixels = await decodeRaw(original)
  for (const [name, attack] of Object.entries(attacks)) {
    const result = await detectWatermark(await attack(original), keys)
    unmarked[name]!.tries++
    unmarked[name]!.maxScore = Math.max(unmarked[name]!.maxScore, result.scores[0]!.score)
    if (result.match) unmarked[name]!.falsePositives++
  }
  for (const recipient of keys) {
    const start = performance.now()
    const marked = await embedWatermark(original, recipient.key, 'jpeg', 90)
    embedMs.push(performance.now() - start)
    psnrs.push(psnr(originalPixels.data, (await decodeRaw(marked)).data))
    for (const [name, attack] of Object.entries(attacks)) {
      const leaked = await attack(marked)
      const t = performance.now()
      const result = await detectWatermark(leaked, keys)
      detectMs.push(performance.now() - t)
      const row = found[name]!
      row.tries++
      row.scores.push(result.scores.find((s) => s.id === recipient.id)!.score)
      if (result.match?.id === recipient.id) row.hits++
      else if (result.match) row.wrong++
    }
    const others = keys.filter((k) => k.id !== recipient.id)
    const withoutOwn = await detectWatermark(await attacks['jpeg q70']!(marked), others)
    wrongRecipient.tries++
    wrongRecipient.maxScore = Math.max(wrongRecipient.maxScore, withoutOwn.scores[0]?.score ?? 0)
    if (withoutOwn.match) wrongRecipient.falsePositives++
  }
  console.error(`image ${i + 1}/${IMAGES} (${width}×${height}) done`)
}

function psnr(a: Buffer, b: Buffer): number {
  let squared = 0
  for (let i = 0; i < a.length; i++) squared += (a[i]! - b[i]!) ** 2
  return 10 * Math.log10(255 ** 2 / (squared / a.length))
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length

const rows = Object.keys(attacks).map((name) => ({
  attack: name,
  'detected %': (100 * found[name]!.hits) / found[name]!.tries,
  'wrong recipient': found[name]!.wrong,
  'min score': Math.min(...found[name]!.scores),
  'mean score': mean(found[name]!.scores),
  'unmarked FP': unmarked[name]!.falsePositives,
  'unmarked max score': unmarked[name]!.maxScore,
}))
console.log(
  `\n${IMAGES} images × ${RECIPIENTS} recipients; threshold ${SCORE_THRESHOLD}; ${os.cpus().length} cores`,
)
printTable(rows)
const summary = {
  'embed ms (mean)': mean(embedMs),
  'detect ms (mean)': mean(detectMs),
  'PSNR dB (min)': Math.min(...psnrs),
  'PSNR dB (mean)': mean(psnrs),
  'wrong-recipient FP': `${wrongRecipient.falsePositives}/${wrongRecipient.tries}`,
  'wrong-recipient max score': wrongRecipient.maxScore,
}
printTable([summary])

const out = path.join(import.meta.dirname, '..', 'results', 'watermark.json')
fs.writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), images: IMAGES, recipients: RECIPIENTS, threshold: SCORE_THRESHOLD, attacks: rows, summary }, null, 2)}\n`,
)
console.log(`\nwrote ${path.relative(process.cwd(), out)}`)
