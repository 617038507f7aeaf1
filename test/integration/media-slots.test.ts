import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { type RawResponse, type SlowUpload, startSlowUpload } from '../_util/slow-upload.js'

/** Issue 14 item 4: upload slots are shared fairly, and a trickling upload cannot keep one. */
describe.each(testDatabases)('media upload slots on %s', (kind) => {
  let handles = 0

  async function creator(server: TestServer) {
    handles += 1
    const seeded = await seedAccount(server.ctx, `uploader${handles}`)
    await seedChannel(server.ctx, seeded.account, { slug: `slots-${handles}` })
    return seeded
  }

  describe('with the default share of slots per account', () => {
    let server: TestServer
    const hogs: SlowUpload[] = []

    beforeAll(async () => {
      // The minimum upload rate is off here so the hog's uploads stay open for as long as the
      // test needs; the next block shows that the rate check cuts them off anyway.
      server = await startTestServer(kind, { env: { BACKLOT_MEDIA_UPLOAD_MIN_BYTES_PER_SECOND: '0' } })
    })
    afterAll(async () => {
      for (const hog of hogs) hog.destroy()
      await server.destroy()
    })

    it("lets no account with 16 slow uploads open make another account's upload get 429; the hog's extra uploads get too-many-uploads", async () => {
      const hog = await creator(server)
      const fan = await creator(server)
      const answers: RawResponse[] = []
      for (let i = 0; i < 16; i++) {
        const hogUpload = startSlowUpload(server.url, hog.token, 1000)
        hogUpload.response.then((res) => answers.push(res))
        hogs.push(hogUpload)
      }
      // Four (BACKLOT_MEDIA_UPLOADS_PER_ACCOUNT) are admitted and left waiting for their bytes; the other
      // twelve are answered at once.
      await expect.poll(() => answers.length).toBe(12)
      for (const res of answers) {
        expect(res.status).toBe(429)
        expect(JSON.parse(res.body)).toMatchObject({ code: 'too-many-uploads', limit: 4 })
        expect(res.headers['retry-after']).toBe('2')
      }

      const other = await uploadImage(server.url, fan.token, await noisyJpeg(64, 48))
      expect(other.status).toBe(201)
      expect(answers).toHaveLength(12) // the hog's four are still being received

      // Dropped connections give their slots back: the hog can upload again.
      for (const h of hogs) h.destroy()
      await expect
        .poll(async () => (await uploadImage(server.url, hog.token, await noisyJpeg(32, 32))).status)
        .toBe(201)
    })
  })

  describe('with a minimum upload rate', () => {
    let server: TestServer

    beforeAll(async () => {
      server = await startTestServer(kind, {
        env: {
          BACKLOT_MEDIA_UPLOADS_PER_ACCOUNT: '1',
          BACKLOT_MEDIA_UPLOAD_MIN_BYTES_PER_SECOND: '1024',
          BACKLOT_MEDIA_UPLOAD_RATE_WINDOW_SECONDS: '1',
        },
      })
    })
    afterAll(async () => {
      await server.destroy()
    })

    it('cuts off an upload trickling in a byte at a time with 408 upload-too-slow, closes its connection and frees its slot', async () => {
      const uploader = await creator(server)
      const drip = startSlowUpload(server.url, uploader.token, 100)
      try {
        const res = await drip.response
        expect(res.status).toBe(408)
        expect(res.headers['content-type']).toContain('application/problem+json')
        expect(res.headers.connection).toBe('close')
        expect(JSON.parse(res.body)).toMatchObject({ code: 'upload-too-slow', status: 408 })
        await drip.closed
      } finally {
        drip.destroy()
      }
      // The account may hold one upload at a time here: this succeeds only if the slot was freed.
      const next = await uploadImage(server.url, uploader.token, await noisyJpeg(64, 48))
      expect(next.status).toBe(201)
      expect(await server.ctx.db.selectFrom('media').select('id').execute()).toHaveLength(1)
    })
  })
})
