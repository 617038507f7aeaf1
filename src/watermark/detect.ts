import sharp from 'sharp'
import { BINS, cellSigns, sampledTile, TILE, type WatermarkKey } from './pattern.js'

/**
 * Blind geometry, informed identity: detection first finds the tile period the image carries now
 * (its scale after any resize) without any key, folds the image onto one tile at that period
 * (which undoes any crop up to a cyclic shift), then correlates the folded tile with the pattern of
 * each candidate key over every cyclic shift. A key's score is how far its best shift stands above
 * the spread of all its shifts (a z-score): about 3–4.5 for a key that is not there, well above
 * SCORE_THRESHOLD for the key that is.
 */

/** Scores at or above this attribute the image. See docs/watermark.md for how it was chosen. */
export const SCORE_THRESHOLD = 7
/** Scales searched: from 35% of the served size (a half-size copy, cropped, of a small variant) to 125%. */
const MIN_SCALE = 0.35
const MAX_SCALE = 1.25
/** Ratio between two periods tried in the search (fine enough that folding stays coherent). */
const PERIOD_STEP = 1.0012
/**
 * How many of the strongest periods are tried against the keys: the image itself may repeat (a
 * facade, a fabric, here the grid of the test images' texture) and outshine the mark's period.
 */
const PERIOD_CANDIDATES = 16
/** Finer steps per coarse step when refining a candidate period. */
const REFINE_STEPS = 6
/** The residual keeps what a blur of this sigma (pixels) removes: the mark, and the image's fine detail. */
const RESIDUAL_SIGMA = 3
/** Residual values are clipped here so strong edges do not drown the mark. */
const RESIDUAL_CLIP = 10
/** Images are analysed at most this many pixels (downscaled first), bounding the work per trace. */
const MAX_PIXELS = 4_000_000
const MIN_SIDE = 64
/** Pixels the period search folds per period (every nth row): enough for the mark to stand out. */
const SEARCH_SAMPLES = 120_000

export interface Candidate<Id> {
  id: Id
  key: WatermarkKey
}

export interface Detection<Id> {
  /** The attributed key, or null when no key scores at or above the threshold. */
  match: { id: Id; score: number } | null
  /** Every candidate's score, best first. */
  scores: { id: Id; score: number }[]
  /** The scale of the image relative to the served one, as found (1 = not resized). */
  scale: number
}

interface Residual {
  values: Float32Array
  width: number
  height: number
}

/** Which of `candidates` marked this image, if any. */
export async function detectWatermark<Id>(
  bytes: Buffer,
  candidates: readonly Candidate<Id>[],
): Promise<Detection<Id>> {
  const residual = await residualOf(bytes)
  const periods = strongestPeriods(residual)
  const keyTiles = candidates.map((c) => zeroMeanUnit(sampledTile(cellSigns(c.key), BINS)))
  const scores = candidates.map((c) => ({ id: c.id, score: Number.NEGATIVE_INFINITY }))
  let bestPeriod = TILE
  let bestOverall = Number.NEGATIVE_INFINITY
  for (const period of periods) {
    const folded = zeroMeanUnit(fold(residual, period, 1).sums)
    keyTiles.forEach((tile, i) => {
      const score = shiftScore(folded, tile)
      if (score > scores[i]!.score) scores[i]!.score = score
      if (score > bestOverall) {
        bestOverall = score
        bestPeriod = period
      }
    })
  }
  scores.sort((a, b) => b.score - a.score)
  const top = scores[0]
  return {
    match: top && top.score >= SCORE_THRESHOLD ? top : null,
    scores,
    scale: bestPeriod / TILE,
  }
}

/** Luma minus its blur, clipped: the mark plus the image's fine texture and noise. */
async function residualOf(bytes: Buffer): Promise<Residual> {
  const meta = await sharp(bytes, { limitInputPixels: 100_000_000 }).metadata()
  const width0 = meta.width ?? 0
  const height0 = meta.height ?? 0
  if (width0 < MIN_SIDE || height0 < MIN_SIDE) return { values: new Float32Array(0), width: 0, height: 0 }
  const shrink = Math.min(1, Math.sqrt(MAX_PIXELS / (width0 * height0)))
  const base = () => {
    const image = sharp(bytes, { limitInputPixels: 100_000_000 }).greyscale()
    return shrink < 1 ? image.resize(Math.round(width0 * shrink)) : image
  }
  const [plain, blurred] = await Promise.all([
    base().raw().toBuffer({ resolveWithObject: true }),
    base().blur(RESIDUAL_SIGMA).raw().toBuffer({ resolveWithObject: true }),
  ])
  const { width, height, channels } = plain.info
  const values = new Float32Array(width * height)
  for (let p = 0; p < values.length; p++) {
    const d = plain.data[p * channels]! - blurred.data[p * channels]!
    values[p] = Math.min(RESIDUAL_CLIP, Math.max(-RESIDUAL_CLIP, d))
  }
  return { values, width, height }
}

/**
 * Sums of the residual folded onto BINS×BINS bins of one tile of `period` pixels (every
 * `rowStep`th row), and how far the folded energy stands above what noise alone would give.
 */
function fold(residual: Residual, period: number, rowStep: number): { sums: Float64Array; energy: number } {
  const { values, width, height } = residual
  const bins = BINS * BINS
  const sums = new Float64Array(bins)
  const counts = new Float64Array(bins)
  const binX = new Int32Array(width)
  for (let x = 0; x < width; x++) binX[x] = Math.floor(((x / period) % 1) * BINS)
  let total = 0
  let totalSq = 0
  let n = 0
  for (let y = 0; y < height; y += rowStep) {
    const rowBin = Math.floor(((y / period) % 1) * BINS) * BINS
    const offset = y * width
    for (let x = 0; x < width; x++) {
      const v = values[offset + x]!
      const b = rowBin + binX[x]!
      sums[b]! += v
      counts[b]! += 1
      total += v
      totalSq += v * v
      n++
    }
  }
  const mean = total / n
  const variance = totalSq / n - mean * mean || 1
  let energy = 0
  for (let b = 0; b < bins; b++) {
    if (counts[b]! === 0) continue
    sums[b] = sums[b]! / counts[b]! - mean
    energy += (counts[b]! * sums[b]! * sums[b]!) / variance
  }
  return { sums, energy: (energy - bins) / Math.sqrt(2 * bins) }
}

/** The periods (pixels) whose fold is most coherent: local maxima of the fold energy, strongest first. */
function strongestPeriods(residual: Residual): number[] {
  if (residual.width === 0) return []
  const longest = Math.min(residual.width, residual.height) / 1.5
  const periods: number[] = []
  for (let p = TILE * MIN_SCALE; p <= Math.min(TILE * MAX_SCALE, longest); p *= PERIOD_STEP) periods.push(p)
  // Odd, so the sampled rows do not fall on the same few phases of a period that is a power of two.
  const rowStep = Math.max(1, Math.round((residual.width * residual.height) / SEARCH_SAMPLES)) | 1
  const energies = periods.map((p) => fold(residual, p, rowStep).energy)
  const peaks = periods
    .map((period, i) => ({ period, energy: energies[i]! }))
    .filter(
      (_, i) =>
        energies[i]! >= (energies[i - 1] ?? -Infinity) && energies[i]! >= (energies[i + 1] ?? -Infinity),
    )
  peaks.sort((a, b) => b.energy - a.energy)
  return peaks.slice(0, PERIOD_CANDIDATES).map((p) => refinePeriod(residual, p.period, rowStep))
}

/**
 * The coarse grid can fall between a large image's sharp peak (the more tiles, the narrower it is):
 * the best period within one grid step either side, tried at REFINE_STEPS finer steps.
 */
function refinePeriod(residual: Residual, period: number, rowStep: number): number {
  let best = period
  let bestEnergy = Number.NEGATIVE_INFINITY
  for (let k = -REFINE_STEPS; k <= REFINE_STEPS; k++) {
    const candidate = period * PERIOD_STEP ** (k / REFINE_STEPS)
    const { energy } = fold(residual, candidate, rowStep)
    if (energy > bestEnergy) {
      bestEnergy = energy
      best = candidate
    }
  }
  return best
}

/** Subtracts the mean and scales to unit length. */
function zeroMeanUnit(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values)
  const mean = out.reduce((a, b) => a + b, 0) / out.length
  let norm = 0
  for (let i = 0; i < out.length; i++) {
    out[i] = out[i]! - mean
    norm += out[i]! * out[i]!
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale
  return out
}

/**
 * Circular cross-correlation of the folded tile with a key's tile over all BINS² shifts (a crop
 * moves the tiling by an unknown offset); the best shift's z-score against all shifts. Direct
 * summation: 32² shifts × 32² bins is about a million multiply-adds, cheaper here than an FFT.
 */
function shiftScore(folded: Float64Array, tile: Float64Array): number {
  const values = new Float64Array(BINS * BINS)
  for (let dy = 0; dy < BINS; dy++) {
    for (let dx = 0; dx < BINS; dx++) {
      let c = 0
      for (let y = 0; y < BINS; y++) {
        const fRow = y * BINS
        const tRow = ((y + dy) % BINS) * BINS
        for (let x = 0; x < BINS; x++) c += folded[fRow + x]! * tile[tRow + ((x + dx) % BINS)]!
      }
      values[dy * BINS + dx] = c
    }
  }
  let mean = 0
  let max = Number.NEGATIVE_INFINITY
  for (const v of values) {
    mean += v
    if (v > max) max = v
  }
  mean /= values.length
  let variance = 0
  for (const v of values) variance += (v - mean) ** 2
  const sd = Math.sqrt(variance / values.length)
  return sd > 0 ? (max - mean) / sd : 0
}
