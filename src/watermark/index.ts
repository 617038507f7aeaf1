export { type Candidate, type Detection, detectWatermark, SCORE_THRESHOLD } from './detect.js'
export { decodeRaw, embedWatermark, lumaOf, type MarkedFormat, markPixels } from './embed.js'
export { type WatermarkKey, watermarkKey } from './pattern.js'
