import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { plainClip, uploadAv } from '../_util/videos.js'
import {
  createPost,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  upload,
} from './press.fixture.js'

/**
 * Issue 20: WebVTT caption tracks of a video — refused when hostile, re-serialised when stored,
 * served as text/vtt under the video's own access rules, rendered as `<track>`, gone with the post.
 */
const GOOD_VTT = [
  'WEBVTT',
  '',
  '00:00.000 --> 00:00.900',
  '<v Director>Action!</v> <b>take three</b>',
  '',
].join('\n')

describe.each(testDatabases)('video caption tracks (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { ...pressServerEnv, BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50' },
    })
    w = await seedPressWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  async function video() {
    const res = await uploadAv(server.url, w.accounts.creator.token, await plainClip(1, 96, 64))
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string }
  }

  function putCaption(id: string, lang: string, body: string | Buffer, label = 'English', token?: string) {
    return fetch(`${server.url}/api/v1/media/${id}/captions/${lang}?label=${encodeURIComponent(label)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token ?? w.accounts.creator.token}`, 'content-type': 'text/vtt' },
      body,
    })
  }

  it('refuses hostile caption files with a problem type and stores nothing', async () => {
    const clip = await video()
    const cases: [string | Buffer, number, string][] = [
      ['WEBVTT\n\n00:00.000 --> 00:00.500\n<script>alert(1)</script>', 422, 'caption-invalid'],
      ['WEBVTT\n\n00:00.000 --> 00:00.500\n<img src=x onerror=alert(1)>', 422, 'caption-invalid'],
      ['<html><body>not captions</body></html>', 422, 'caption-invalid'],
      ['WEBVTT\n\n00:02.000 --> 00:01.000\nbackwards', 422, 'caption-invalid'],
      ['WEBVTT\n\n00:30.000 --> 00:31.000\nafter the end of a 1 s clip', 422, 'caption-invalid'],
      [Buffer.from([0x57, 0x45, 0x42, 0x56, 0x54, 0x54, 0x0a, 0x0a, 0xff, 0xfe]), 422, 'caption-invalid'],
      [`WEBVTT\n\n00:00.000 --> 00:00.500\n${'x'.repeat(400)}\n`.repeat(1213), 413, 'caption-too-large'],
      // Far past the cap: Fastify cuts the body off before buffering it.
      [`WEBVTT\n\n${'x'.repeat(400)}\n`.repeat(3000), 413, 'body-too-large'],
    ]
    for (const [body, status, type] of cases) {
      const res = await putCaption(clip.id, 'en', body)
      expect(res.status, String(body).slice(0, 60)).toBe(status)
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(((await res.json()) as { type: string }).type).toMatch(new RegExp(`${type}$`))
    }
    const [photo] = await upload(server, w.accounts.creator.token, 1)
    const onPhoto = await putCaption(photo!, 'en', GOOD_VTT)
    expect(onPhoto.status).toBe(422)
    expect(((await onPhoto.json()) as { type: string }).type).toMatch(/captions-video-only$/)
    // Someone else's upload looks like no upload at all.
    expect((await putCaption(clip.id, 'en', GOOD_VTT, 'English', w.accounts.owner.token)).status).toBe(404)
    const row = await server.ctx.db
      .selectFrom('media')
      .select('captions')
      .where('id', '=', clip.id)
      .executeTakeFirst()
    expect(row?.captions).toBe('[]')
  })

  it('serves a track as text/vtt on the page and in the API, under the video’s rules, and deletes it with the post', async () => {
    const clip = await video()
    const res = await putCaption(clip.id, 'en', GOOD_VTT)
    expect(res.status).toBe(200)
    const media = (await res.json()) as { captions: { lang: string; label: string; url: string }[] }
    expect(media.captions).toEqual([
      { lang: 'en', label: 'English', url: `${server.url}/media/${clip.id}/captions-en.vtt` },
    ])
    const url = media.captions[0]!.url
    // Unattached: only its owner sees it.
    expect((await fetchText(url)).status).toBe(404)
    const embargoed = await createPost(w.creator, 'the-show', {
      text: 'Soon',
      media: [{ id: clip.id, alt: 'Rehearsal' }],
      publishAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    expect((await fetchText(url)).status).toBe(404)
    expect((await fetchText(`${server.url}/c/the-show/p/${embargoed.id}`)).status).toBe(404)
    // Claimed by a post: its tracks no longer change through the media API.
    expect((await putCaption(clip.id, 'fr', GOOD_VTT, 'Français')).status).toBe(409)

    const clip2 = await video()
    expect((await putCaption(clip2.id, 'en', GOOD_VTT)).status).toBe(200)
    const post = await createPost(w.creator, 'the-show', { text: 'Action', media: [{ id: clip2.id }] })
    expect(post.media[0].captions).toHaveLength(1)
    const track = await fetchText(post.media[0].captions[0].url)
    expect(track.status).toBe(200)
    expect(track.headers.get('content-type')).toBe('text/vtt; charset=utf-8')
    expect(track.headers.get('x-content-type-options')).toBe('nosniff')
    expect(track.text).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:00.900\n<v Director>Action!</v> <b>take three</b>\n',
    )
    const page = await fetchText(`${server.url}/c/the-show/p/${post.id}`)
    expect(page.text).toContain(
      `<track kind="captions" srclang="en" label="English" src="${post.media[0].captions[0].url}" default></video>`,
    )

    const gone = await w.creator.delete(`/api/v1/channels/the-show/posts/${post.id}`)
    expect(gone.status).toBe(204)
    expect((await fetchText(post.media[0].captions[0].url)).status).toBe(404)
    const keys = await server.ctx.db.selectFrom('media').select('id').where('id', '=', clip2.id).execute()
    expect(keys).toEqual([])
  })
})
