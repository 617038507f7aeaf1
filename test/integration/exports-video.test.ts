import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importChannel } from '../../src/exports/index.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { phoneClip, plantedBytesFound, uploadAv, voiceNote } from '../_util/videos.js'
import { download, jsonLines, unzip, waitForExport } from './exports.fixture.js'
import { createPost, fetchText, pressServerEnv, seedPressWorld } from './press.fixture.js'

const VTT = 'WEBVTT\n\n00:00.000 --> 00:01.500\n<v Director>Rolling!</v>\n'

/**
 * Issue 20 in channel archives: a clip (renditions, poster, caption track) and a voice note
 * (renditions, waveform) leave in the export and come back from `backlot import` as the same items:
 * same kinds, sizes, length, waveform and captions, playable files, no metadata.
 */
describe.each(testDatabases)('video and voice in a channel export and import on %s', (kind) => {
  let source: TestServer
  let target: TestServer
  let archive: Map<string, Buffer>
  let archivePath: string
  let postId: string

  beforeAll(async () => {
    const env = { ...pressServerEnv, BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50' }
    source = await startTestServer(kind, { env })
    const w = await seedPressWorld(source)
    const token = w.accounts.creator.token
    const clip = await uploadAv(source.url, token, await phoneClip({ seconds: 2 }), { alt: 'Crane shot' })
    expect(clip.status, JSON.stringify(clip.body)).toBe(201)
    const captioned = await fetch(`${source.url}/api/v1/media/${clip.body.id}/captions/en?label=English`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/vtt' },
      body: VTT,
    })
    expect(captioned.status).toBe(200)
    const voice = await uploadAv(source.url, token, await voiceNote(2))
    expect(voice.status, JSON.stringify(voice.body)).toBe(201)
    const post = await createPost(w.creator, 'the-show', {
      text: 'Rolling on the crane',
      media: [{ id: clip.body.id }, { id: voice.body.id, alt: 'Notes' }],
    })
    postId = post.id
    const requested = await w.owner.post('/api/v1/channels/the-show/exports')
    expect(requested.status).toBe(202)
    expect((await waitForExport(w.owner, requested.body.id)).status).toBe('ready')
    const got = await download(source, w.accounts.owner.token, requested.body.id)
    archive = await unzip(got.bytes)
    archivePath = path.join(source.database.dataDir, 'video-show.zip')
    fs.writeFileSync(archivePath, got.bytes)
    target = await startTestServer(kind, { env })
    await seedAccount(target.ctx, 'showrunner')
    await seedAccount(target.ctx, 'cocreator')
  })
  afterAll(async () => {
    await source?.destroy()
    await target?.destroy()
  })

  it('carries renditions, poster, waveform and captions, and imports them as the same items', async () => {
    const docs = jsonLines(archive.get('media.jsonl'))
    const clipDoc = docs.find((d) => d.av?.kind === 'video')
    const voiceDoc = docs.find((d) => d.av?.kind === 'audio')
    expect(clipDoc.av.captions).toEqual([
      { lang: 'en', label: 'English', file: `media/${clipDoc.id}/captions-en.vtt` },
    ])
    expect(clipDoc.av.poster).toBe(`media/${clipDoc.id}/poster.jpg`)
    expect(voiceDoc.av.waveform).toHaveLength(64)
    const files = [...archive.keys()].filter((n) => n.startsWith('media/')).sort()
    expect(files).toEqual(
      [
        ...clipDoc.av.renditions.map((r: { file: string }) => r.file),
        clipDoc.av.poster,
        `media/${clipDoc.id}/captions-en.vtt`,
        ...voiceDoc.av.renditions.map((r: { file: string }) => r.file),
      ].sort(),
    )
    expect(archive.get(`media/${clipDoc.id}/captions-en.vtt`)!.toString()).toContain(
      '<v Director>Rolling!</v>',
    )

    const result = await importChannel(
      {
        db: target.ctx.db,
        mediaStore: target.ctx.mediaStore,
        clock: target.ctx.clock,
        media: {
          maxPixels: target.ctx.config.media.maxPixels,
          maxBytes: target.ctx.config.media.maxBytes,
          video: target.ctx.config.media.video,
        },
      },
      archivePath,
    )
    expect(result).toMatchObject({ slug: 'the-show', posts: 1, media: 2 })

    const view = async (server: TestServer) =>
      (await (await fetch(`${server.url}/api/v1/channels/the-show/posts/${postId}`)).json()) as {
        media: Record<string, unknown>[]
      }
    const pick = (m: Record<string, unknown>, origin: string) => ({
      ...m,
      variants: (m.variants as { name: string; format: string; url: string }[]).map((v) => ({
        name: v.name,
        format: v.format,
        url: v.url.replace(origin, ''),
      })),
      captions: (m.captions as { url: string }[]).map((c) => ({ ...c, url: c.url.replace(origin, '') })),
      blurhash: typeof m.blurhash,
    })
    const [before, after] = [await view(source), await view(target)]
    expect(after.media.map((m) => pick(m, target.url))).toEqual(before.media.map((m) => pick(m, source.url)))

    // The files play and carry no metadata; the caption track is served as before.
    const clip = after.media[0] as {
      variants: { format: string; url: string }[]
      captions: { url: string }[]
    }
    for (const v of clip.variants) {
      const res = await fetch(v.url)
      expect(res.status, v.url).toBe(200)
      if (v.format === 'mp4') expect(plantedBytesFound(Buffer.from(await res.arrayBuffer()))).toEqual([])
    }
    const track = await fetchText(clip.captions[0]!.url)
    expect(track.headers.get('content-type')).toBe('text/vtt; charset=utf-8')
    expect(track.text).toBe((await fetchText(clip.captions[0]!.url.replace(target.url, source.url))).text)
    const page = await fetchText(`${target.url}/c/the-show/p/${postId}`)
    expect(page.text).toContain('<track kind="captions" srclang="en" label="English"')
  })
})
