import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

const MAX_PIXELS = 1_000_000
const MAX_BYTES = 1_000_000

/** Issue 14 item 3: each size limit lets through exactly what it promises and refuses one past it. */
describe.each(testDatabases)('media size limits on %s', (kind) => {
  let server: TestServer
  let token: string

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { BACKLOT_MEDIA_MAX_PIXELS: String(MAX_PIXELS), BACKLOT_MEDIA_MAX_BYTES: String(MAX_BYTES) },
    })
    const seeded = await seedAccount(server.ctx, 'limits')
    await seedChannel(server.ctx, seeded.account, { slug: 'limits' })
    token = seeded.token
  })
  afterAll(async () => {
    await server.destroy()
  })

  const strip = (width: number) =>
    sharp({ create: { width, height: 15, channels: 3, background: '#804020' } })
      .png()
      .toBuffer()

  it('accepts an image exactly at the pixel, side and byte limits, and refuses one past each with its problem', async () => {
    const atPixels = await uploadImage(server.url, token, await noisyJpeg(1000, 1000))
    expect(atPixels.status).toBe(201)
    const overPixels = await uploadImage(server.url, token, await noisyJpeg(1000, 1001))
    expect(overPixels.status).toBe(422)
    expect(overPixels.body).toMatchObject({ code: 'image-too-large-pixels', width: 1000, height: 1001 })
    expect(overPixels.body.detail).toContain('1000×1001')
    expect(overPixels.body.detail).toContain('at most 1,000,000 pixels')

    // Under the pixel limit, but no JPEG can be 65,501 pixels wide: refused up front, not a 500
    // when the original is written.
    const atSide = await uploadImage(server.url, token, await strip(65_500))
    expect(atSide.status).toBe(201)
    expect(atSide.body).toMatchObject({ width: 65_500, height: 15 })
    const overSide = await uploadImage(server.url, token, await strip(65_501))
    expect(overSide.status).toBe(422)
    expect(overSide.body.code).toBe('image-too-large-pixels')
    expect(overSide.body.detail).toContain('no side may be longer than 65500 pixels')

    // Bytes after the end of the image are dropped by re-encoding, so padding sets the exact size.
    const padded = async (size: number) => {
      const image = await noisyJpeg(200, 150)
      return Buffer.concat([image, Buffer.alloc(size - image.length)])
    }
    expect((await uploadImage(server.url, token, await padded(MAX_BYTES))).status).toBe(201)
    const overBytes = await uploadImage(server.url, token, await padded(MAX_BYTES + 1))
    expect(overBytes.status).toBe(413)
    expect(overBytes.body.code).toBe('media-too-large')
  })
})
