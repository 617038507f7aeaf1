import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  createPost,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  upload,
} from './press.fixture.js'

/**
 * Issue 14 item 12: a ban reaches every surface the member could read while signed in. Whatever
 * they ask for — the API's posts, timeline, digests and production facts, or the channel, post,
 * image, timeline and digest pages and the island's fragments — they get the answer the API's
 * `/posts` gives them: `403 banned` (an HTML page saying so for pages). Anonymous reading of a
 * public channel stays as it is, and feeds, embeds and oEmbed, which take no credentials, answer
 * everyone as they answer anonymous readers.
 */

describe.each(testDatabases)('a banned member on every read surface (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let api: string[]
  let pages: string[]
  let anonymousSurfaces: string[]
  const get = (path: string, token?: string) =>
    fetchText(`${server.url}${path}`, token ? { authorization: `Bearer ${token}` } : {})
  const fan = () => w.accounts.fan.token

  /** Every signed-in read of `slug` (API, then pages), for a post with one image and a digest. */
  async function surfacesOf(slug: string, token: string) {
    const [media] = await upload(server, token, 1, { alt: 'Stage 4' })
    const c = slug === 'the-show' ? w.creator : w.owner
    const post = await createPost(c, slug, { text: `Stills from ${slug}`, media: [{ id: media }] })
    const digest = await c.post(`/api/v1/channels/${slug}/digests`, { title: 'Best of', postIds: [post.id] })
    expect(digest.status, JSON.stringify(digest.body)).toBe(201)
    const base = `/api/v1/channels/${slug}`
    return {
      post,
      api: [
        `${base}/posts`,
        `${base}/posts/${post.id}`,
        `${base}/timeline`,
        `${base}/digests`,
        `${base}/digests/${digest.body.id}`,
        `${base}/production`,
      ],
      pages: [
        `/c/${slug}`,
        `/c/${slug}/p/${post.id}`,
        `/c/${slug}/p/${post.id}/1`,
        `/c/${slug}/p/${post.id}?reveal=1`,
        `/c/${slug}/timeline`,
        `/c/${slug}/digests/${digest.body.id}`,
        `/c/${slug}/fragments?view=card&ids=${post.id}`,
      ],
    }
  }

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    const show = await surfacesOf('the-show', w.accounts.creator.token)
    api = show.api
    pages = show.pages
    const postUrl = `${server.url}/c/the-show/p/${show.post.id}`
    anonymousSurfaces = [
      '/c/the-show/feed.rss',
      '/c/the-show/feed.atom',
      '/c/the-show/feed.json',
      `/embed/p/${show.post.id}`,
      `/oembed?url=${encodeURIComponent(postUrl)}`,
    ]
  })
  afterAll(() => server?.destroy())

  it('lets the member read every surface before the ban', async () => {
    for (const path of [...api, ...pages, ...anonymousSurfaces]) {
      expect((await get(path, fan())).status, path).toBe(200)
    }
  })

  it('answers the banned member 403 banned everywhere, cached pages or not', async () => {
    // Anonymous readers have every page cached: a ban must not be answered from that cache.
    for (const path of pages) expect((await get(path)).status, path).toBe(200)
    expect((await w.owner.put('/api/v1/channels/the-show/bans/fan', { reason: 'spoilers' })).status).toBe(200)

    for (const path of api) {
      const res = await get(path, fan())
      expect(res.status, path).toBe(403)
      expect(JSON.parse(res.text).code, path).toBe('banned')
    }
    for (const path of pages) {
      const res = await get(path, fan())
      expect(res.status, path).toBe(403)
      expect(res.headers.get('content-type'), path).toContain('text/html')
      expect(res.headers.get('cache-control'), path).toBe('private, no-store')
      expect(res.headers.get('etag'), path).toBeNull()
      expect(res.text, path).toContain('You are banned from this channel')
      expect(res.text, path).not.toContain('Stills from the-show')
    }
  })

  it('leaves anonymous reading of the public channel as it was', async () => {
    for (const path of [...api, ...pages]) expect((await get(path)).status, path).toBe(200)
    // Feeds, embeds and oEmbed take no credentials: a banned member's token changes nothing there.
    for (const path of anonymousSurfaces) {
      const [banned, anonymous] = [await get(path, fan()), await get(path)]
      expect([banned.status, banned.text], path).toEqual([200, anonymous.text])
    }
  })

  it('answers a banned member of a private channel 403 on pages as on the API', async () => {
    await seedMember(server.ctx, w.privateChannel, w.accounts.fan.account, null)
    const room = await surfacesOf('writers-room', w.accounts.owner.token)
    for (const path of [...room.api, ...room.pages]) expect((await get(path, fan())).status, path).toBe(200)
    expect((await w.owner.put('/api/v1/channels/writers-room/bans/fan', {})).status).toBe(200)
    for (const path of [...room.api, ...room.pages]) {
      const res = await get(path, fan())
      expect(res.status, path).toBe(403)
      expect(res.text, path).not.toContain('Stills from writers-room')
    }
    // Outsiders still cannot tell it exists.
    for (const path of [...room.api, ...room.pages]) expect((await get(path)).status, path).toBe(404)
  })
})
