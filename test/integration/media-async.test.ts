import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { dataCutJpeg, noisyJpeg, truncatedJpeg, truncatedPng, uploadImage } from '../_util/images.js'
import { type SeededAccount, seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/** With BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS=0 every upload answers 202 at once and finishes in the background. */
describe.each(testDatabases)('media processed in the background on %s', (kind) => {
  let server: TestServer
  let creator: SeededAccount
  let other: SeededAccount

  beforeAll(async () => {
    server = await startTestServer(kind, { env: { BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '0' } })
    creator = await seedAccount(server.ctx, 'creator')
    other = await seedAccount(server.ctx, 'other')
    await seedChannel(server.ctx, creator.account, { slug: 'set-life' })
  })
  afterAll(async () => {
    await server.destroy()
  })

  async function waitWhileProcessing(api: Client, id: string) {
    for (;;) {
      const res = await api.get(`/api/v1/media/${id}`)
      if (res.body.status !== 'processing') return res
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  function mediaFiles(): string[] {
    const root = path.join(server.ctx.config.dataDir, 'media')
    return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).map(String).sort() : []
  }

  it('answers 202 processing with the header size, then becomes ready with variants', async () => {
    const res = await uploadImage(server.url, creator.token, await noisyJpeg(400, 300), {
      alt: 'gaffer at work',
    })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({
      status: 'processing',
      width: 400,
      height: 300,
      blurhash: null,
      variants: [],
      originalUrl: null,
      alt: 'gaffer at work',
    })
    // Nobody else sees it, processing or not.
    expect(
      (await client(server.url, { token: other.token }).get(`/api/v1/media/${res.body.id}`)).status,
    ).toBe(404)
    const done = await waitWhileProcessing(client(server.url, { token: creator.token }), res.body.id)
    expect(done.body).toMatchObject({ status: 'ready', error: null, width: 400, height: 300 })
    expect(done.body.variants.map((v: any) => v.name)).toEqual(['320', '320', '1080', '1080'])
    const file = await fetch(done.body.originalUrl, { headers: { authorization: `Bearer ${creator.token}` } })
    expect(file.status).toBe(200)
    await file.arrayBuffer()
  })

  it('marks a file that fails while decoding as failed with its problem code, storing no file', async () => {
    const before = mediaFiles()
    // Complete as a container (it ends with its end marker): only the decoder finds the data cut short.
    const res = await uploadImage(server.url, creator.token, await dataCutJpeg())
    expect(res.status).toBe(202)
    const done = await waitWhileProcessing(client(server.url, { token: creator.token }), res.body.id)
    expect(done.body).toMatchObject({
      status: 'failed',
      error: 'image-corrupt',
      variants: [],
      originalUrl: null,
    })
    expect(mediaFiles()).toEqual(before)
  })

  it('refuses a truncated JPEG or PNG at once with image-corrupt, from its structure, before it waits for processing (issue 14)', async () => {
    const rows = await server.ctx.db.selectFrom('media').select('id').execute()
    const before = mediaFiles()
    for (const [bytes, detail] of [
      [await truncatedJpeg(), /JPEG ends before its end-of-image marker/],
      [await truncatedPng(), /PNG ends before its IEND chunk/],
    ] as const) {
      const res = await uploadImage(server.url, creator.token, bytes)
      expect(res.status).toBe(422)
      expect(res.body.code).toBe('image-corrupt')
      expect(res.body.detail).toMatch(detail)
    }
    expect(await server.ctx.db.selectFrom('media').select('id').execute()).toEqual(rows)
    expect(mediaFiles()).toEqual(before)
  })

  it('still refuses what the header shows at once, with nothing stored', async () => {
    const rows = await server.ctx.db.selectFrom('media').select('id').execute()
    const res = await uploadImage(server.url, creator.token, Buffer.from('GIF89a-not-really'))
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('image-corrupt')
    expect(await server.ctx.db.selectFrom('media').select('id').execute()).toEqual(rows)
  })
})
