import { describe, expect, it } from 'vitest'
import { dataCutJpeg, noisyJpeg } from '../../test/_util/images.js'
import { DomainError } from '../errors.js'
import { configureSharp, processImage } from './processing.js'

const limits = { maxPixels: 50_000_000 }

/** A photo with three stray bytes between two of its segments: libjpeg warns, and decodes it fine. */
async function strayBytesJpeg(): Promise<Buffer> {
  const photo = await noisyJpeg(400, 300)
  const afterApp0 = 4 + photo.readUInt16BE(4)
  return Buffer.concat([
    photo.subarray(0, afterApp0),
    Buffer.from([0x12, 0x34, 0x56]),
    photo.subarray(afterApp0),
  ])
}

describe('processImage', () => {
  it('refuses a JPEG whose data stops short before its end marker, also among other images in progress, and still processes a photo with a harmless warning (issue 14)', async () => {
    configureSharp(2)
    const bomb = await dataCutJpeg()
    const [photo, stray] = [await noisyJpeg(400, 300), await strayBytesJpeg()]
    // libvips' error messages are process-wide; several failures at once once let a bomb through.
    for (let round = 0; round < 3; round++) {
      const inputs = [bomb, photo, bomb, stray, bomb, bomb, photo, stray]
      const outcomes = await Promise.allSettled(inputs.map((bytes) => processImage(bytes, limits)))
      for (const [i, outcome] of outcomes.entries()) {
        if (inputs[i] === bomb) {
          expect(outcome.status).toBe('rejected')
          const error = (outcome as PromiseRejectedResult).reason
          expect(error).toBeInstanceOf(DomainError)
          expect((error as DomainError).reason).toBe('image-corrupt')
        } else {
          expect(outcome.status).toBe('fulfilled')
          expect((outcome as PromiseFulfilledResult<{ width: number }>).value.width).toBe(400)
        }
      }
    }
  })
})
