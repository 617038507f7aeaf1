import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { plainClip, uploadAv, voiceNote } from '../_util/videos.js'
import {
  createPost,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  upload,
} from './press.fixture.js'

/**
 * Issue 20: video and voice items in posts, on every public surface — played where they are not
 * spoilers, a blurred poster and no playable file where they are, nothing at all before an embargo.
 */
describe.each(testDatabases)('video and voice posts (%s)', (kind) => {
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

  async function video(fields: Record<string, string> = {}) {
    const res = await uploadAv(server.url, w.accounts.creator.token, await plainClip(1, 96, 64), fields)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body
  }

  const surfaces = async (postId: string) => {
    const url = `${server.url}/c/the-show/p/${postId}`
    return {
      page: (await fetchText(url)).text,
      rss: (await fetchText(`${server.url}/c/the-show/feed.rss`)).text,
      json: JSON.parse((await fetchText(`${server.url}/c/the-show/feed.json`)).text),
      oembed: JSON.parse((await fetchText(`${server.url}/oembed?url=${encodeURIComponent(url)}`)).text),
      embed: (await fetchText(`${server.url}/embed/p/${postId}`)).text,
    }
  }

  it('mixes a clip, a photo and a voice note in one ordered album, played on the page and enclosed in feeds', async () => {
    const clip = await video({ alt: 'Stunt rehearsal, take 3' })
    const [photo] = await upload(server, w.accounts.creator.token, 1, { alt: 'The rig' })
    const voice = await uploadAv(server.url, w.accounts.creator.token, await voiceNote())
    const post = await createPost(w.creator, 'the-show', {
      text: 'Rehearsal day',
      media: [{ id: clip.id }, { id: photo }, { id: voice.body.id, alt: 'From the director' }],
    })
    expect(post.media.map((m: any) => [m.kind, m.position])).toEqual([
      ['video', 0],
      ['image', 1],
      ['audio', 2],
    ])
    expect(post.media[2].waveform).toHaveLength(64)

    const s = await surfaces(post.id)
    const mp4 = clip.variants.find((v: any) => v.format === 'mp4')
    expect(s.page).toContain('<video controls playsinline preload="metadata"')
    expect(s.page).not.toMatch(/<video[^>]*autoplay/)
    expect(s.page).toContain(`<source src="${mp4.url}" type="video/mp4">`)
    expect(s.page).toContain(`<meta property="og:video" content="${mp4.url}">`)
    expect(s.page).toMatch(
      /<audio controls preload="metadata"[^>]*><source src="[^"]+voice\.ogg" type="audio\/ogg"><source src="[^"]+voice\.m4a" type="audio\/mp4">/,
    )
    expect(s.embed).toContain(`<source src="${mp4.url}" type="video/mp4">`)
    expect(s.rss).toContain(
      `<enclosure url="${mp4.url}" length="${(await fetch(mp4.url)).headers.get('content-length')}" type="video/mp4"/>`,
    )
    const item = s.json.items.find((i: any) => i.id.endsWith(post.id))
    expect(item.attachments.map((a: any) => a.mime_type)).toEqual(['video/mp4', 'image/jpeg', 'audio/mp4'])
    expect(item.image).toMatch(/\/320\.jpg$/) // the clip's poster
    expect(s.oembed.type).toBe('video')
    // Anyone may play a published clip, with range requests.
    const part = await fetch(mp4.url, { headers: { range: 'bytes=0-15' } })
    expect([part.status, (await part.arrayBuffer()).byteLength]).toEqual([206, 16])
  })

  it('shows a spoiler clip only as its blurred poster outside the app: no playable file anywhere', async () => {
    const clip = await video({ spoiler: 'true', spoilerLabel: 'Chapter 8 finale' })
    const post = await createPost(w.creator, 'the-show', { text: 'Guess who', media: [{ id: clip.id }] })
    const s = await surfaces(post.id)
    const item = s.json.items.find((i: any) => i.id.endsWith(post.id))
    const rssItem = s.rss.split('<item>').find((i) => i.includes(post.id))
    const everywhere = JSON.stringify([s.page, s.embed, s.oembed, item, rssItem])
    expect(everywhere).not.toContain('.mp4')
    expect(everywhere).not.toContain(`${clip.id}/320.jpg`)
    expect(s.page).not.toContain('<video')
    expect(s.page).not.toContain('og:video')
    expect(s.page).toContain(`/media/${clip.id}/blur.jpg`)
    expect(s.oembed).toMatchObject({
      type: 'rich',
      thumbnail_url: expect.stringContaining(`${clip.id}/blur.jpg`),
    })
    expect(item.attachments.map((a: any) => [a.mime_type, a.url.split('/').at(-1)])).toEqual([
      ['image/jpeg', 'blur.jpg'],
    ])
    // In the app, the clip is there for the tap: flagged a spoiler, with its renditions.
    const inApp = await w.fan.get(`/api/v1/channels/the-show/posts/${post.id}`)
    expect(inApp.body.media[0]).toMatchObject({
      kind: 'video',
      spoiler: true,
      spoilerLabel: 'Chapter 8 finale',
    })
  })

  it('keeps an embargoed clip’s files unreachable before its time', async () => {
    const clip = await video()
    const post = await createPost(w.creator, 'the-show', {
      text: 'Trailer drop',
      media: [{ id: clip.id }],
      publishAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    expect(post.status).toBe('scheduled')
    const files = clip.variants.map((v: any) => v.url as string)
    expect(files.some((u: string) => u.endsWith('.mp4'))).toBe(true)
    for (const url of files) {
      expect((await fetch(url)).status).toBe(404)
      expect(
        (await fetch(url, { headers: { authorization: `Bearer ${w.accounts.fan.token}` } })).status,
      ).toBe(404)
      expect((await fetch(url, { headers: { range: 'bytes=0-9' } })).status).toBe(404)
    }
    expect((await fetchText(`${server.url}/c/the-show/p/${post.id}`)).status).toBe(404)
  })

  it('refuses a clip as a channel avatar', async () => {
    const own = await uploadAv(server.url, w.accounts.owner.token, await plainClip(1))
    const res = await w.owner.patch('/api/v1/channels/the-show', { avatarMediaId: own.body.id })
    expect([res.status, res.body.type]).toEqual([415, expect.stringMatching(/unsupported-image$/)])
  })
})
