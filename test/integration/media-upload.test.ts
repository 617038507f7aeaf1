import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MediaRow } from '../../src/db/schema.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import {
  dataCutJpeg,
  exifJpeg,
  htmlFile,
  jpegHeaderBomb,
  noisyJpeg,
  pngBomb,
  polyglotJpeg,
  polyglotScript,
  svgFile,
  truncatedJpeg,
  uploadImage,
} from '../_util/images.js'
import { metadataFound } from '../_util/metadata.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

const MiB = 1024 * 1024
const UPLOAD_LIMIT = 4

describe.each(testDatabases)('media upload on %s', (kind) => {
  let server: TestServer
  let handles = 0

  beforeAll(async () => {
    // Limits apply to this file's requests (not exempt as loopback); all its creators share one
    // address, so only the per-account upload limit is under test here (issue 14: rate-limits-*).
    server = await startTestServer(kind, {
      env: {
        BACKLOT_MEDIA_UPLOAD_LIMIT: String(UPLOAD_LIMIT),
        BACKLOT_RATE_LIMIT_EXEMPT: '',
        BACKLOT_RATE_LIMIT_ADDRESS_FACTOR: '10000',
      },
    })
  })
  afterAll(async () => {
    await server.destroy()
  })

  /** A fresh creator (own rate-limit bucket) in a fresh public channel. */
  async function creator() {
    handles += 1
    const seeded = await seedAccount(server.ctx, `creator${handles}`)
    await seedChannel(server.ctx, seeded.account, { slug: `chan-${handles}` })
    return seeded
  }

  async function mediaRows(): Promise<MediaRow[]> {
    return server.ctx.db.selectFrom('media').selectAll().execute()
  }

  function mediaFiles(): string[] {
    const root = path.join(server.ctx.config.dataDir, 'media')
    return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).map(String).sort() : []
  }

  async function storedFiles(row: MediaRow) {
    type Ref = { key: string; format: 'jpeg' | 'webp' | 'png' }
    const variants = JSON.parse(row.variants) as Ref[]
    const refs: Ref[] = [
      { key: row.original_key!, format: row.original_key!.endsWith('.png') ? 'png' : 'jpeg' },
      ...variants,
    ]
    return Promise.all(
      refs.map(async (r) => ({ ...r, bytes: (await server.ctx.mediaStore.get(r.key))! as Buffer })),
    )
  }

  it('strips EXIF (GPS, serial, maker note, thumbnail), XMP, IPTC and comments from every stored file, and applies the orientation', async () => {
    const { token } = await creator()
    const upload = await exifJpeg()
    const res = await uploadImage(server.url, token, upload, { alt: 'Week 12, night shoot', spoiler: 'true' })
    expect(res.status).toBe(201)
    // The fixture is 40×20 with Orientation 6 (rotate 90° clockwise): it comes out 20×40.
    expect(res.body).toMatchObject({
      status: 'ready',
      mime: 'image/jpeg',
      width: 20,
      height: 40,
      alt: 'Week 12, night shoot',
      spoiler: true,
      // Never read from EXIF (the fixture has Artist and Make): credit is only what the request says.
      credit: null,
    })
    expect(res.body.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/)
    expect(res.body.variants.map((v: any) => [v.name, v.format, v.width, v.height])).toEqual([
      ['320', 'webp', 20, 40],
      ['320', 'jpeg', 20, 40],
    ])
    const row = (await server.ctx.db
      .selectFrom('media')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirst())!
    const files = await storedFiles(row)
    expect(files).toHaveLength(3)
    for (const file of files) {
      expect({ key: file.key, found: await metadataFound(file.bytes, file.format) }).toEqual({
        key: file.key,
        found: [],
      })
      const meta = await sharp(file.bytes).metadata()
      expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([20, 40, 1])
      expect(meta.hasProfile).toBe(true) // the sRGB ICC profile is kept
    }
    // The stored original is a re-encoding, never the uploaded bytes.
    expect(files[0]!.bytes.equals(upload)).toBe(false)
    // Rotated clockwise: the red left half of the sensor image is now the top.
    const { data } = await sharp(files[0]!.bytes).raw().toBuffer({ resolveWithObject: true })
    expect(data[0]).toBeGreaterThan(200)
    expect(data[data.length - 1]).toBeGreaterThan(200)
    // What the API serves is exactly what was stored.
    const served = await fetch(res.body.originalUrl, { headers: { authorization: `Bearer ${token}` } })
    expect(Buffer.from(await served.arrayBuffer()).equals(files[0]!.bytes)).toBe(true)
  })

  it('makes 320, 1080 and 2048 variants of a large image, never upscaling', async () => {
    const { token } = await creator()
    const res = await uploadImage(server.url, token, await noisyJpeg(2400, 1200, 70), {
      credit: 'Jo Set-Photographer',
    })
    expect(res.status).toBe(201)
    expect(res.body.credit).toBe('Jo Set-Photographer')
    expect(res.body.variants.map((v: any) => `${v.name}.${v.format} ${v.width}x${v.height}`)).toEqual([
      '320.webp 320x160',
      '320.jpeg 320x160',
      '1080.webp 1080x540',
      '1080.jpeg 1080x540',
      '2048.webp 2048x1024',
      '2048.jpeg 2048x1024',
    ])
    expect(res.body.originalUrl).toBe(
      `${server.ctx.config.publicUrl.href.replace(/\/$/, '')}/media/${res.body.id}/original.jpg`,
    )
    const small = await uploadImage(server.url, token, await noisyJpeg(600, 400))
    expect(small.body.variants.map((v: any) => `${v.name} ${v.width}x${v.height}`)).toEqual([
      '320 320x213',
      '320 320x213',
      '1080 600x400',
      '1080 600x400',
    ])
  })

  it('accepts PNG (keeping transparency), WebP, AVIF and GIF (first frame only), whatever the file is called', async () => {
    const solid = (channels: 3 | 4, background: sharp.Color) =>
      sharp({ create: { width: 30, height: 20, channels, background } })
    const twoFrames = await sharp(
      await solid(3, '#ff0000').extend({ bottom: 20, background: '#0000ff' }).raw().toBuffer(),
      {
        raw: { width: 30, height: 40, channels: 3, pageHeight: 20 } as sharp.CreateRaw,
      },
    )
      .gif()
      .toBuffer()
    const cases: [string, Buffer, string, string][] = [
      ['image/png', await solid(4, { r: 0, g: 128, b: 0, alpha: 0.5 }).png().toBuffer(), 'png', 'a.jpg'],
      ['image/webp', await solid(3, '#336699').webp().toBuffer(), 'jpg', 'b.png'],
      ['image/avif', await solid(3, '#336699').avif().toBuffer(), 'jpg', 'c.avif'],
      ['image/gif', twoFrames, 'jpg', 'd.gif'],
    ]
    let uploader = await creator()
    for (const [i, [mime, bytes, originalExt, filename]] of cases.entries()) {
      if (i === UPLOAD_LIMIT - 1) uploader = await creator()
      const res = await uploadImage(server.url, uploader.token, bytes, {
        filename,
        contentType: 'application/octet-stream',
      })
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({ mime, width: 30, height: 20 })
      expect(res.body.originalUrl).toMatch(new RegExp(`/original\\.${originalExt}$`))
      const row = (await server.ctx.db
        .selectFrom('media')
        .selectAll()
        .where('id', '=', res.body.id)
        .executeTakeFirst())!
      for (const file of await storedFiles(row)) {
        const meta = await sharp(file.bytes).metadata()
        expect(meta.pages ?? 1).toBe(1)
        expect(meta.hasAlpha).toBe(mime === 'image/png' && file.format !== 'jpeg')
      }
    }
  })

  it('accepts a polyglot (JPEG followed by a script) but stores only re-encoded pixels: the script is in no file', async () => {
    const { token } = await creator()
    const res = await uploadImage(server.url, token, await polyglotJpeg(), { filename: 'x.html' })
    expect(res.status).toBe(201)
    const row = (await server.ctx.db
      .selectFrom('media')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirst())!
    for (const file of await storedFiles(row)) {
      expect(file.bytes.includes(polyglotScript)).toBe(false)
      expect(file.bytes.includes('<script')).toBe(false)
    }
  })

  const refusals: [
    string,
    () => Promise<Buffer> | Buffer,
    { filename?: string; contentType?: string },
    number,
    string,
  ][] = [
    [
      'a 20000×20000 PNG decompression bomb',
      () => pngBomb(),
      { filename: 'bomb.png', contentType: 'image/png' },
      422,
      'image-too-large-pixels',
    ],
    ['a truncated JPEG', truncatedJpeg, {}, 422, 'image-corrupt'],
    [
      'a 981-byte JPEG declaring 2000×1500 whose data stops short before its end marker',
      dataCutJpeg,
      {},
      422,
      'image-corrupt',
    ],
    [
      'an HTML file named .jpg sent as image/jpeg',
      () => htmlFile,
      { filename: 'photo.jpg', contentType: 'image/jpeg' },
      415,
      'unsupported-image',
    ],
    [
      'an SVG',
      () => svgFile,
      { filename: 'logo.svg', contentType: 'image/svg+xml' },
      415,
      'unsupported-image',
    ],
    ['an empty file', () => Buffer.alloc(0), {}, 422, 'empty-file'],
    [
      'a HEIC photo (unsupported in this build)',
      heicHeader,
      { filename: 'IMG_0001.HEIC', contentType: 'image/heic' },
      415,
      'unsupported-image',
    ],
  ]

  it.each(refusals)(
    'refuses %s with its problem type and stores nothing',
    async (_name, make, options, status, code) => {
      const { token } = await creator()
      const rowsBefore = await mediaRows()
      const filesBefore = mediaFiles()
      const res = await uploadImage(server.url, token, await make(), options)
      expect(res.status).toBe(status)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body).toMatchObject({ code, type: `https://backlot.dev/problems#${code}`, status })
      if (code === 'unsupported-image' && options.contentType === 'image/heic')
        expect(res.body.detail).toMatch(/HEIC/)
      expect(await mediaRows()).toEqual(rowsBefore)
      expect(mediaFiles()).toEqual(filesBefore)
    },
  )

  it('refuses decompression bombs from their header (issue 14): a 981-byte JPEG declaring 9000×9000 and a 90-megapixel PNG of 11 KB, storing nothing', async () => {
    const { token } = await creator()
    const rowsBefore = await mediaRows()
    const filesBefore = mediaFiles()
    const bombs: [Buffer, number, number][] = [
      [await jpegHeaderBomb(9000, 9000), 9000, 9000],
      [pngBomb(10_000, 9_000), 10_000, 9_000],
    ]
    for (const [bytes, width, height] of bombs) {
      const res = await uploadImage(server.url, token, bytes)
      expect(res.status).toBe(422)
      // The documented default limit: 50 megapixels.
      expect(res.body).toMatchObject({ code: 'image-too-large-pixels', width, height, maxPixels: 50_000_000 })
      expect(res.body.detail).toContain(`${width}×${height}`)
      expect(res.body.detail).toContain('50,000,000 pixels')
    }
    expect(await mediaRows()).toEqual(rowsBefore)
    expect(mediaFiles()).toEqual(filesBefore)
  })

  it('refuses a 31 MB file with media-too-large, whether or not the size is declared up front', async () => {
    const { token } = await creator()
    const rowsBefore = await mediaRows()
    const filesBefore = mediaFiles()
    const big = Buffer.concat([await noisyJpeg(16, 16), Buffer.alloc(31 * MiB)])
    const declared = await uploadImage(server.url, token, big)
    expect(declared.status).toBe(413)
    expect(declared.body.code).toBe('media-too-large')

    // Chunked (no Content-Length): refused while streaming, at the 30 MiB cap.
    const boundary = 'backlot-test-boundary'
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head)
        for (let at = 0; at < big.length; at += MiB) controller.enqueue(big.subarray(at, at + MiB))
        controller.enqueue(tail)
        controller.close()
      },
    })
    const chunked = await fetch(`${server.url}/api/v1/media`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
    expect(((await chunked.json()) as any).code).toBe('media-too-large')
    expect(await mediaRows()).toEqual(rowsBefore)
    expect(mediaFiles()).toEqual(filesBefore)
  })

  it('validates the form fields and refuses non-multipart bodies', async () => {
    const { token } = await creator()
    const rowsBefore = await mediaRows()
    const image = await noisyJpeg(8, 8)
    const longAlt = await uploadImage(server.url, token, image, { alt: 'a'.repeat(1501) })
    expect(longAlt.status).toBe(422)
    expect(longAlt.body.errors).toEqual([
      { in: 'body', field: '/alt', message: 'must NOT have more than 1500 characters' },
    ])
    const badSpoiler = await uploadImage(server.url, token, image, { spoiler: 'yes' })
    expect(badSpoiler.body.errors[0].field).toBe('/spoiler')
    const unknown = await uploadImage(server.url, token, image, { extra: { location: 'the set' } })
    expect(unknown.status).toBe(422)
    const json = await client(server.url, { token }).post('/api/v1/media', { file: 'x' })
    expect(json.status).toBe(415)
    // Every attempt counts against the upload rate limit: continue as another creator.
    const second = await creator()
    const noFile = await fetch(`${server.url}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${second.token}` },
      body: formWithout(),
    })
    expect(noFile.status).toBe(422)
    expect(((await noFile.json()) as any).errors).toEqual([
      { in: 'body', field: '/file', message: 'is required' },
    ])
    expect(await mediaRows()).toEqual(rowsBefore)
  })

  it('lets only owners, admins and creators upload, and needs the post scope', async () => {
    const owner = await creator()
    const channel = await server.ctx.db
      .selectFrom('channel')
      .selectAll()
      .where('slug', '=', `chan-${handles}`)
      .executeTakeFirstOrThrow()
    const fan = await seedAccount(server.ctx, `fan${handles}`)
    await seedMember(server.ctx, channel, fan.account, null)
    const moderator = await seedAccount(server.ctx, `mod${handles}`)
    await seedMember(server.ctx, channel, moderator.account, 'moderator')
    const image = await noisyJpeg(8, 8)
    for (const who of [fan, moderator]) {
      const res = await uploadImage(server.url, who.token, image)
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('not-allowed')
    }
    const readOnly = await tokenWithScopes(owner.account.id, 'read')
    const scoped = await uploadImage(server.url, readOnly, image)
    expect(scoped.status).toBe(403)
    expect(scoped.body.code).toBe('insufficient-scope')
    expect((await uploadImage(server.url, owner.token, image)).status).toBe(201)
    const anonymous = await client(server.url).post('/api/v1/media')
    expect(anonymous.status).toBe(401)
  })

  it(`rate-limits uploads per account (${UPLOAD_LIMIT} per window here) with Retry-After`, async () => {
    const { token } = await creator()
    const other = await creator()
    const image = await noisyJpeg(8, 8)
    for (let i = 0; i < UPLOAD_LIMIT; i++)
      expect((await uploadImage(server.url, token, image)).status).toBe(201)
    const rows = await mediaRows()
    const limited = await uploadImage(server.url, token, image)
    expect(limited.status).toBe(429)
    expect(limited.body.code).toBe('rate-limited')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await mediaRows()).toEqual(rows)
    // Another account has its own budget.
    expect((await uploadImage(server.url, other.token, image)).status).toBe(201)
  })

  it("hides another account's unattached media: get and patch answer 404; the owner can edit it", async () => {
    const alice = await creator()
    const bob = await creator()
    const uploaded = await uploadImage(server.url, alice.token, await noisyJpeg(8, 8), { alt: 'before' })
    const id = uploaded.body.id
    const asBob = client(server.url, { token: bob.token })
    expect((await asBob.get(`/api/v1/media/${id}`)).body.code).toBe('media-not-found')
    const patched = await asBob.patch(`/api/v1/media/${id}`, { alt: 'hijacked' })
    expect(patched.status).toBe(404)
    expect(patched.body.code).toBe('media-not-found')
    expect((await client(server.url).get(`/api/v1/media/${id}`)).status).toBe(404)

    const asAlice = client(server.url, { token: alice.token })
    expect((await asAlice.get(`/api/v1/media/${id}`)).body.alt).toBe('before')
    const edit = await asAlice.patch(`/api/v1/media/${id}`, { alt: 'after', credit: 'Sam', spoiler: true })
    expect(edit.status).toBe(200)
    expect(edit.body).toMatchObject({ alt: 'after', credit: 'Sam', spoiler: true })
    expect((await asAlice.patch(`/api/v1/media/${id}`, { width: 1 })).status).toBe(422)
    const row = await server.ctx.db
      .selectFrom('media')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect([row.alt, row.credit, row.spoiler, row.width]).toEqual(['after', 'Sam', 1, 8])
  })

  it('documents the upload in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as any
    const op = doc.paths['/api/v1/media'].post
    expect(Object.keys(op.requestBody.content)).toEqual(['multipart/form-data'])
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '202']))
  })

  async function tokenWithScopes(accountId: string, scopes: string): Promise<string> {
    const { hashSecret, newId, newSecret } = await import('../../src/util/ids.js')
    const token = newSecret('blt_')
    await server.ctx.db
      .insertInto('api_token')
      .values({
        id: newId(),
        account_id: accountId,
        name: 'scoped',
        token_hash: hashSecret(token),
        scopes,
        created_at: Date.now(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute()
    return token
  }
})

function formWithout(): FormData {
  const form = new FormData()
  form.append('alt', 'no file here')
  return form
}

/** The start of an iPhone HEIC file: an ISO-BMFF `ftyp` box with the heic brand. */
function heicHeader(): Buffer {
  const ftyp = Buffer.alloc(24)
  ftyp.writeUInt32BE(24, 0)
  ftyp.write('ftypheic', 4, 'latin1')
  ftyp.writeUInt32BE(0, 12)
  ftyp.write('mif1heic', 16, 'latin1')
  return Buffer.concat([ftyp, Buffer.alloc(200)])
}
