import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MediaRow, MediaVariant } from '../../src/db/schema.js'
import { testDatabases } from '../_util/db.js'
import { metadataFound } from '../_util/metadata.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  hugeDimensionClip,
  phoneClip,
  plainClip,
  plantedBytesFound,
  probeFile,
  uploadAv,
  voiceNote,
} from '../_util/videos.js'
import { type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

/** Tags FFmpeg's MP4 muxer always writes; nothing else may appear in a stored file. */
const STRUCTURAL_TAGS = /^(major_brand|minor_version|compatible_brands|language|handler_name|vendor_id)=/

/** Issue 20: video and voice uploads, processed within limits, metadata-free in every stored file. */
describe.each(testDatabases)('video and voice uploads (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, {
      // Clips over 4 s are "too long" here, so the duration check costs a 6-second 64×48 clip.
      env: { ...pressServerEnv, BACKLOT_VIDEO_MAX_SECONDS: '4', BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50' },
    })
    w = await seedPressWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  async function row(id: string): Promise<MediaRow> {
    return (await server.ctx.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst())!
  }

  /** Every file the row points at, read back from the media store. */
  async function storedFiles(media: MediaRow) {
    const variants = JSON.parse(media.variants) as MediaVariant[]
    const keys = [...variants.map((v) => ({ key: v.key, format: v.format }))]
    if (media.original_key) keys.push({ key: media.original_key, format: 'mp4' })
    return Promise.all(keys.map(async (k) => ({ ...k, bytes: (await server.ctx.mediaStore.get(k.key))! })))
  }

  /** Uploads being received and FFmpeg work folders (BACKLOT_DATA_DIR/tmp): none may outlive a request. */
  function uploadTempFiles(): string[] {
    const dir = server.ctx.config.media.video.workDir
    return fs.existsSync(dir) ? fs.readdirSync(dir) : []
  }

  it('turns a phone clip with GPS in ©xyz and XMP into metadata-free H.264/AAC renditions and a poster', async () => {
    const clip = await phoneClip()
    // The fixture really carries what a phone writes (checked by FFprobe and by bytes).
    expect((await probeFile(clip)).tags).toContain('location=+48.8584+002.2945/')
    expect(plantedBytesFound(clip)).toEqual(expect.arrayContaining(['\u00a9xyz', '48.8584', 'xmpmeta']))

    const res = await uploadAv(server.url, w.accounts.creator.token, clip, { alt: 'Stunt rehearsal' })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body).toMatchObject({
      kind: 'video',
      status: 'ready',
      mime: 'video/mp4',
      // 320×240 coded, turned 90° by the phone: shown upright.
      width: 240,
      height: 320,
      alt: 'Stunt rehearsal',
      waveform: null,
      originalUrl: null,
    })
    expect(res.body.durationMs).toBeGreaterThan(1900)
    expect(res.body.durationMs).toBeLessThan(2200)
    expect(res.body.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/)
    expect(res.body.variants.map((v: any) => `${v.name}.${v.format} ${v.width}x${v.height}`)).toEqual([
      '480p.mp4 240x320',
      '320.webp 240x320',
      '320.jpeg 240x320',
    ])

    const files = await storedFiles(await row(res.body.id))
    expect(files).toHaveLength(3)
    for (const file of files) {
      expect({ key: file.key, found: plantedBytesFound(file.bytes) }).toEqual({ key: file.key, found: [] })
      if (file.format !== 'mp4') {
        expect(await metadataFound(file.bytes, file.format as 'jpeg' | 'webp')).toEqual([])
        continue
      }
      const probed = await probeFile(file.bytes)
      expect(probed.tags.filter((t) => !STRUCTURAL_TAGS.test(t))).toEqual([])
      expect(probed.hasRotation).toBe(false)
      expect(probed.streams.map((s) => [s.codec_type, s.codec_name, s.width, s.height])).toEqual([
        ['video', 'h264', 240, 320],
        ['audio', 'aac', undefined, undefined],
      ])
      // Fast start: the index (moov) comes before the media data (mdat).
      expect(file.bytes.indexOf('moov')).toBeLessThan(file.bytes.indexOf('mdat'))
    }
    expect(uploadTempFiles()).toEqual([])
  })

  it('turns a voice note into Opus and AAC with a waveform, without its tags', async () => {
    const res = await uploadAv(server.url, w.accounts.creator.token, await voiceNote())
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body).toMatchObject({
      kind: 'audio',
      status: 'ready',
      mime: 'audio/webm',
      width: 0,
      height: 0,
    })
    expect(res.body.variants.map((v: any) => `${v.name}.${v.format}`)).toEqual(['voice.ogg', 'voice.m4a'])
    const waveform = res.body.waveform as number[]
    expect(waveform).toHaveLength(64)
    expect(Math.max(...waveform)).toBe(100)
    // The fixture is quiet from 0.5 s to 1 s (a quarter of its 2 s): the peaks show the dip.
    expect(Math.min(...waveform.slice(18, 30))).toBeLessThan(20)
    for (const file of await storedFiles(await row(res.body.id))) {
      expect(plantedBytesFound(file.bytes)).toEqual([])
      const probed = await probeFile(file.bytes)
      expect(probed.tags.filter((t) => !STRUCTURAL_TAGS.test(t) && !t.startsWith('encoder='))).toEqual([])
      expect(probed.streams.map((s) => s.codec_type)).toEqual(['audio'])
    }
  })

  it('refuses hostile files with a problem type, keeps nothing, and the queue still works after', async () => {
    const token = w.accounts.creator.token
    const before = (await server.ctx.db.selectFrom('media').select('id').execute()).length
    const text = await uploadAv(
      server.url,
      token,
      Buffer.from('just some notes from the set, not a video\n'.repeat(50)),
    )
    expect([text.status, text.body.type]).toEqual([415, expect.stringMatching(/unsupported-image$/)])

    const huge = await uploadAv(server.url, token, await hugeDimensionClip())
    expect([huge.status, huge.body.type]).toEqual([422, expect.stringMatching(/video-too-large-pixels$/)])
    expect(huge.body).toMatchObject({ width: 16000, height: 16000 })

    const long = await uploadAv(server.url, token, await plainClip(6))
    expect([long.status, long.body.type]).toEqual([422, expect.stringMatching(/video-too-long$/)])

    // An MP4 header followed by garbage: FFprobe finds no stream in it.
    const clip = await plainClip(1)
    const garbage = Buffer.concat([clip.subarray(0, 32), Buffer.alloc(4096, 0x5a)])
    const broken = await uploadAv(server.url, token, garbage)
    expect([broken.status, broken.body.type]).toEqual([422, expect.stringMatching(/video-corrupt$/)])

    expect((await server.ctx.db.selectFrom('media').select('id').execute()).length).toBe(before)
    expect(uploadTempFiles()).toEqual([])
    const good = await uploadAv(server.url, token, clip)
    expect([good.status, good.body.status]).toEqual([201, 'ready'])
  })

  it('serves renditions with range requests: 206, Accept-Ranges, If-Range and 416', async () => {
    const res = await uploadAv(server.url, w.accounts.creator.token, await plainClip(1))
    const url = res.body.variants.find((v: any) => v.format === 'mp4').url
    const auth = { authorization: `Bearer ${w.accounts.creator.token}` }
    const whole = await fetch(url, { headers: auth })
    const bytes = Buffer.from(await whole.arrayBuffer())
    expect([whole.status, whole.headers.get('accept-ranges')]).toEqual([200, 'bytes'])
    const etag = whole.headers.get('etag')!

    const part = await fetch(url, { headers: { ...auth, range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true)

    const tail = await fetch(url, { headers: { ...auth, range: 'bytes=-10', 'if-range': etag } })
    expect(tail.status).toBe(206)
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true)

    const stale = await fetch(url, { headers: { ...auth, range: 'bytes=0-9', 'if-range': '"stale"' } })
    expect(stale.status).toBe(200)
    expect((await stale.arrayBuffer()).byteLength).toBe(bytes.length)

    const beyond = await fetch(url, { headers: { ...auth, range: `bytes=${bytes.length}-` } })
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${bytes.length}`])
  })
})

describe.each(testDatabases)('a kept video original (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: {
        ...pressServerEnv,
        BACKLOT_VIDEO_KEEP_ORIGINAL: 'true',
        BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50',
      },
    })
    w = await seedPressWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('is remuxed without its GPS, XMP and dates (BACKLOT_VIDEO_KEEP_ORIGINAL)', async () => {
    const res = await uploadAv(server.url, w.accounts.creator.token, await phoneClip())
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.originalUrl).toMatch(/\/original\.mp4$/)
    const served = await fetch(res.body.originalUrl, {
      headers: { authorization: `Bearer ${w.accounts.creator.token}` },
    })
    const bytes = Buffer.from(await served.arrayBuffer())
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'video/mp4'])
    expect(plantedBytesFound(bytes)).toEqual([])
    const probed = await probeFile(bytes)
    expect(probed.tags.filter((t) => !STRUCTURAL_TAGS.test(t))).toEqual([])
    expect(probed.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac'])
  })
})
