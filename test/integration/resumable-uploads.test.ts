import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MediaVariant } from '../../src/db/schema.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { settledOffset, tusClient } from '../_util/tus.js'
import { phoneClip, uploadAv } from '../_util/videos.js'
import { createPost, type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

const HOUR = 3_600_000

/** Issue 20 part 1: resumable uploads with the tus protocol, on disk (one node). */
describe.each(testDatabases)('resumable uploads over tus (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let skewMs = 0

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: {
        ...pressServerEnv,
        BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50',
        BACKLOT_VIDEO_MAX_BYTES: String(2 * 1_048_576),
        BACKLOT_RESUMABLE_UPLOADS_PER_ACCOUNT: '3',
      },
      overrides: { clock: { now: () => Date.now() + skewMs } },
    })
    w = await seedPressWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  const tus = (token: string) => tusClient(server.url, token)
  const resumableDir = () => server.ctx.config.media.resumable.dir
  const storedUploads = () => (fs.existsSync(resumableDir()) ? fs.readdirSync(resumableDir()) : [])

  it('resumes after the connection drops at 50%, and the video is the one a whole upload makes', async () => {
    const clip = await phoneClip()
    const creator = tus(w.accounts.creator.token)
    const created = await creator.create('the-show', clip.length, { alt: 'Table read', filename: 'read.mov' })
    expect(created.status, created.body).toBe(201)
    const location = created.headers.location!
    expect(location).toMatch(/^\/api\/v1\/channels\/the-show\/uploads\/[0-9a-f]{32}$/)

    const half = Math.floor(clip.length / 2)
    await creator.patchThenDrop(location, 0, clip.length, clip.subarray(0, half))
    // The server kept every byte that arrived before the connection went, and says so.
    expect(await settledOffset(() => creator.head(location))).toBe(half)

    const rest = await creator.patch(location, half, clip.subarray(half))
    expect(rest.status, rest.body).toBe(204)
    expect(rest.headers['upload-offset']).toBe(String(clip.length))
    const mediaId = rest.headers['backlot-media-id'] as string
    expect(mediaId).toMatch(/^[0-9A-Z]{26}$/)

    // A client that lost that answer asks again: all bytes in, and the same media.
    const head = await creator.head(location)
    expect(head.status).toBe(200)
    expect(head.headers).toMatchObject({ 'upload-offset': String(clip.length), 'backlot-media-id': mediaId })
    const status = await creator.get(location)
    expect(JSON.parse(status.body)).toMatchObject({ status: 'done', mediaId, length: clip.length })
    expect(storedUploads()).toEqual([])

    const media = await w.creator.get(`/api/v1/media/${mediaId}`)
    expect(media.body).toMatchObject({
      kind: 'video',
      status: 'ready',
      alt: 'Table read',
      width: 240,
      height: 320,
    })

    // The same clip through the multipart route: the same renditions and poster, byte for byte
    // (content-addressed keys are the SHA-256 of each stored file).
    const whole = await uploadAv(server.url, w.accounts.creator.token, clip)
    expect(whole.status, JSON.stringify(whole.body)).toBe(201)
    const keysOf = async (id: string) => {
      const row = await server.ctx.db
        .selectFrom('media')
        .select('variants')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      return (JSON.parse(row.variants) as MediaVariant[]).map((v) => `${v.name}.${v.format} ${v.key}`)
    }
    expect(await keysOf(mediaId)).toEqual(await keysOf(whole.body.id))

    // Usable as an album item in a post.
    const post = await createPost(w.creator, 'the-show', {
      text: 'From the table read',
      media: [{ id: mediaId }],
    })
    expect(post.media).toHaveLength(1)
    expect(post.media[0]).toMatchObject({ id: mediaId, kind: 'video' })
  })

  it('refuses an Upload-Length over BACKLOT_VIDEO_MAX_BYTES with a 413 problem before storing a byte', async () => {
    const before = storedUploads()
    const res = await tus(w.accounts.creator.token).create('the-show', 2 * 1_048_576 + 1)
    expect(res.status).toBe(413)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(JSON.parse(res.body)).toMatchObject({ status: 413, code: 'media-too-large' })
    expect(res.headers.location).toBeUndefined()
    expect(storedUploads()).toEqual(before)
    const rows = await server.ctx.db
      .selectFrom('resumable_upload')
      .select('id')
      .where('length', '>', 2 * 1_048_576)
      .execute()
    expect(rows).toEqual([])
  })

  it('binds an upload to its account and channel: nobody else can see, extend or end it', async () => {
    const creator = tus(w.accounts.creator.token)
    const created = await creator.create('the-show', 1000)
    expect(created.status, created.body).toBe(201)
    const location = created.headers.location!
    const id = location.split('/').at(-1)!
    // The owner may post in the channel too, but this upload is not theirs.
    for (const other of [tus(w.accounts.owner.token), tus(w.accounts.fan.token)]) {
      for (const res of [
        await other.head(location),
        await other.patch(location, 0, Buffer.alloc(10)),
        await other.delete(location),
        await other.get(location),
      ]) {
        expect(res.status).toBe(404)
        if (res.body) expect(JSON.parse(res.body)).toMatchObject({ code: 'upload-not-found' })
      }
    }
    // Its own account, through another channel's URL: not found either.
    expect((await creator.head(`/api/v1/channels/b-roll/uploads/${id}`)).status).toBe(404)
    // A fan may not start one; an anonymous request is not authenticated.
    const fan = await tus(w.accounts.fan.token).create('the-show', 1000)
    expect(fan.status).toBe(403)
    expect(JSON.parse(fan.body)).toMatchObject({ code: 'not-allowed' })
    const anonymous = await fetch(`${server.url}/api/v1/channels/the-show/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    })
    expect(anonymous.status).toBe(401)
    // Nothing moved: the creator's upload is still at 0 and can be ended by its creator.
    expect((await creator.head(location)).headers['upload-offset']).toBe('0')
    expect((await creator.delete(location)).status).toBe(204)
    expect((await creator.head(location)).status).toBe(404)
  })

  it('expires unfinished uploads: their URL answers 404 and the sweep deletes their bytes', async () => {
    const creator = tus(w.accounts.creator.token)
    const created = await creator.create('the-show', 5000)
    const location = created.headers.location!
    const id = location.split('/').at(-1)!
    expect((await creator.patch(location, 0, Buffer.alloc(2000, 1))).status).toBe(204)
    expect(storedUploads()).toContain(id)
    skewMs = 25 * HOUR
    try {
      expect((await creator.head(location)).status).toBe(404)
      await server.ctx.resumableUploads.sweep()
      expect(storedUploads().filter((f) => f.startsWith(id))).toEqual([])
      const row = await server.ctx.db
        .selectFrom('resumable_upload')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst()
      expect(row).toBeUndefined()
    } finally {
      skewMs = 0
    }
  })

  it('holds each account to BACKLOT_RESUMABLE_UPLOADS_PER_ACCOUNT unfinished uploads', async () => {
    const owner = tus(w.accounts.owner.token)
    const made = []
    for (let i = 0; i < 3; i += 1) made.push(await owner.create('the-show', 100))
    expect(made.map((r) => r.status)).toEqual([201, 201, 201])
    const fourth = await owner.create('the-show', 100)
    expect(fourth.status).toBe(429)
    expect(JSON.parse(fourth.body)).toMatchObject({ code: 'too-many-uploads' })
    expect((await owner.delete(made[0]!.headers.location!)).status).toBe(204)
    expect((await owner.create('the-show', 100)).status).toBe(201)
  })

  it('forgets every upload of an erased account, rows and bytes (account deletion calls this)', async () => {
    const creator = tus(w.accounts.creator.token)
    const created = await creator.create('the-show', 4000, { alt: 'a private note' })
    const id = created.headers.location!.split('/').at(-1)!
    expect((await creator.patch(created.headers.location!, 0, Buffer.alloc(1000, 2))).status).toBe(204)
    await server.ctx.resumableUploads.forgetAccount(w.accounts.creator.account.id)
    expect(storedUploads().filter((f) => f.startsWith(id))).toEqual([])
    const rows = await server.ctx.db
      .selectFrom('resumable_upload')
      .select('id')
      .where('account_id', '=', w.accounts.creator.account.id)
      .execute()
    expect(rows).toEqual([])
  })

  it('answers the last PATCH with the problem when the pipeline refuses the file, and says so afterwards', async () => {
    // The creator: the owner used up its unfinished uploads above.
    const creator = tus(w.accounts.creator.token)
    const notMedia = Buffer.from('%PDF-1.7 not a clip, not a photo '.repeat(40))
    const created = await creator.create('the-show', notMedia.length)
    expect(created.status, created.body).toBe(201)
    const location = created.headers.location!
    const last = await creator.patch(location, 0, notMedia)
    expect(last.status).toBe(415)
    expect(last.headers['content-type']).toContain('application/problem+json')
    expect(JSON.parse(last.body)).toMatchObject({ code: 'unsupported-image' })
    expect(JSON.parse((await creator.get(location)).body)).toMatchObject({
      status: 'failed',
      error: 'unsupported-image',
      mediaId: null,
    })
    // Its bytes are gone from the upload store and from the work folder.
    expect(storedUploads().filter((f) => f.startsWith(location.split('/').at(-1)!))).toEqual([])
    const work = server.ctx.config.media.video.workDir
    expect(fs.existsSync(work) ? fs.readdirSync(work) : []).toEqual([])
  })
})
