import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MediaVariant } from '../../src/db/schema.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  createPost,
  fetchBytes,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  showProduction,
  upload,
} from './press.fixture.js'

const SECRET_TEXT = 'SECRET-FINALE-TEXT'

/** Every absolute URL on this server found in a page, feed or JSON document. */
function urlsIn(text: string, origin: string): string[] {
  // Feeds carry HTML inside XML: entities may be escaped twice.
  let unescaped = text.replaceAll('\\/', '/')
  while (unescaped.includes('&amp;')) unescaped = unescaped.replaceAll('&amp;', '&')
  unescaped = unescaped
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
  const pattern = new RegExp(`${origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^"'<>\\s\\\\]+`, 'g')
  return [...new Set(unescaped.match(pattern) ?? [])]
}

/**
 * Issue 6 item 7: a spoiler image is never served unblurred outside the app's tap-to-reveal —
 * og:image, feeds, oEmbed thumbnails and the embed use a rendering made from the image.
 */
describe.each(testDatabases)('spoiler safety (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let spoilerPost: any
  let mixedPost: any
  let spoilerMedia: string[]
  let clearMedia: string
  const storedBytes = new Map<string, Buffer[]>()

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    spoilerMedia = await upload(server, w.accounts.creator.token, 2, { alt: 'The twist, on stage 4' })
    const mixed = await upload(server, w.accounts.creator.token, 2, { alt: 'Crew at lunch' })
    clearMedia = mixed[0]!
    spoilerMedia.push(mixed[1]!)
    spoilerPost = await createPost(w.creator, 'the-show', {
      text: `${SECRET_TEXT} the villain was the narrator`,
      spoiler: true,
      spoilerLabel: 'Finale twist',
      media: spoilerMedia.slice(0, 2).map((id) => ({ id })),
      production: { weeks: { from: 14 }, chapters: [8] },
    })
    mixedPost = await createPost(w.creator, 'the-show', {
      text: 'Lunch on set, and one thing you should not see yet',
      media: [{ id: mixed[0] }, { id: mixed[1], spoiler: true }],
      production: { chapters: [8] },
    })
    for (const id of spoilerMedia) {
      const row = await server.ctx.db
        .selectFrom('media')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      const keys = [row.original_key!, ...(JSON.parse(row.variants) as MediaVariant[]).map((v) => v.key)]
      storedBytes.set(id, await Promise.all(keys.map(async (k) => (await server.ctx.mediaStore.get(k))!)))
    }
  })
  afterAll(() => server?.destroy())

  it('serves no stored file of a spoiler image from og:image, feeds, oEmbed or the embed', async () => {
    const origin = server.url
    const postUrl = `${origin}/c/the-show/p/${spoilerPost.id}`
    const oembed = await fetchText(`${origin}/oembed?url=${encodeURIComponent(postUrl)}`)
    const oembedMixed = await fetchText(
      `${origin}/oembed?url=${encodeURIComponent(`${origin}/c/the-show/p/${mixedPost.id}`)}`,
    )
    const documents = {
      postPage: (await fetchText(postUrl)).text,
      imagePage: (await fetchText(`${postUrl}/1`)).text,
      mixedPage: (await fetchText(`${origin}/c/the-show/p/${mixedPost.id}`)).text,
      mixedImagePage: (await fetchText(`${origin}/c/the-show/p/${mixedPost.id}/2`)).text,
      channelPage: (await fetchText(`${origin}/c/the-show`)).text,
      timeline: (await fetchText(`${origin}/c/the-show/timeline`)).text,
      rss: (await fetchText(`${origin}/c/the-show/feed.rss`)).text,
      atom: (await fetchText(`${origin}/c/the-show/feed.atom`)).text,
      json: (await fetchText(`${origin}/c/the-show/feed.json`)).text,
      oembed: oembed.text,
      oembedMixed: oembedMixed.text,
      embed: (await fetchText(`${origin}/embed/p/${spoilerPost.id}`)).text,
      embedMixed: (await fetchText(`${origin}/embed/p/${mixedPost.id}`)).text,
    }
    const ogImage = /<meta property="og:image" content="([^"]+)"/.exec(documents.postPage)![1]!
    expect(ogImage).toBe(`${origin}/media/${spoilerMedia[0]}/blur.jpg`)
    expect(JSON.parse(oembed.text).thumbnail_url).toBe(`${origin}/media/${spoilerMedia[0]}/blur.jpg`)
    let checked = 0
    for (const [name, text] of Object.entries(documents)) {
      expect(text, name).not.toContain(SECRET_TEXT)
      // A spoiler image's alt text may describe the spoiler: hidden with the pixels.
      expect(text, name).not.toContain('The twist, on stage 4')
      for (const url of urlsIn(text, origin)) {
        const mediaId = /\/media\/([0-9A-Z]{26})\//.exec(url)?.[1]
        if (!mediaId || !storedBytes.has(mediaId)) continue
        expect(url, `${name} links a spoiler image own file: ${url}`).toMatch(/\/blur\.jpg$/)
        const served = await fetchBytes(url)
        expect(served.status).toBe(200)
        for (const stored of storedBytes.get(mediaId)!)
          expect(served.bytes.equals(stored), `${name}: ${url}`).toBe(false)
        const meta = await sharp(served.bytes).metadata()
        expect(meta.format).toBe('jpeg')
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10)
    // The clear image of the mixed album is shown as itself.
    expect(documents.mixedPage).toContain(`${origin}/media/${clearMedia}/`)
  })

  it('makes the blurred rendering from the image: close in colour, with no detail left', async () => {
    const served = await fetchBytes(`${server.url}/media/${spoilerMedia[0]}/blur.jpg`)
    const blurred = await sharp(served.bytes).greyscale().raw().toBuffer({ resolveWithObject: true })
    // A strong blur leaves neighbouring pixels almost equal (the originals are noise).
    let diff = 0
    for (let i = 1; i < blurred.data.length; i++) diff += Math.abs(blurred.data[i]! - blurred.data[i - 1]!)
    expect(diff / blurred.data.length).toBeLessThan(4)
    const rendering = await server.ctx.db
      .selectFrom('media_rendering')
      .selectAll()
      .where('media_id', '=', spoilerMedia[0]!)
      .executeTakeFirstOrThrow()
    expect(await server.ctx.mediaStore.get(rendering.key)).toEqual(served.bytes)
  })

  it('replaces the text of a spoiler post with its label and chapter note outside the app', async () => {
    const page = (await fetchText(`${server.url}/c/the-show/p/${spoilerPost.id}`)).text
    expect(page).toContain('Finale twist')
    expect(page).toContain('Contains spoilers for Chapter 8')
    expect(page).not.toContain(SECRET_TEXT)
    const json = JSON.parse((await fetchText(`${server.url}/c/the-show/feed.json`)).text)
    const item = json.items.find((i: any) => i.id.endsWith(spoilerPost.id))
    expect(item.title).toBe('Spoiler: Finale twist')
    expect(item.summary).toBe('Finale twist — Contains spoilers for Chapter 8')
    // The app still gets the post (it does its own tap-to-reveal).
    const api = await w.fan.get(`/api/v1/channels/the-show/posts/${spoilerPost.id}`)
    expect(api.body.text).toContain(SECRET_TEXT)
    expect(api.body.spoiler).toBe(true)
  })

  it('reveals on an explicit tap (?reveal=1), never indexed', async () => {
    const res = await fetchText(`${server.url}/c/the-show/p/${spoilerPost.id}?reveal=1`)
    expect(res.text).toContain(SECRET_TEXT)
    expect(res.text).toContain(`/media/${spoilerMedia[0]}/`)
    expect(res.headers.get('x-robots-tag')).toContain('noindex')
    expect(res.text).toContain('content="noindex, nofollow"')
    // Even here the card image stays blurred.
    expect(/<meta property="og:image" content="([^"]+)"/.exec(res.text)![1]).toMatch(/blur\.jpg$/)
  })

  it('lifts a spoiler by itself after the air date when the channel opts in', async () => {
    const lifted = {
      ...showProduction,
      autoLiftSpoilers: true,
      chapters: showProduction.chapters.map((c, i) =>
        i === 0 ? { ...c, airDate: '2020-01-01' } : { ...c, airDate: '2099-01-01' },
      ),
    }
    expect((await w.owner.put('/api/v1/channels/the-show/production', lifted)).status).toBe(200)
    const old = await createPost(w.creator, 'the-show', {
      text: 'Aired long ago: LIFTED-TEXT',
      spoiler: true,
      spoilerLabel: 'Chapter 1',
      production: { chapters: [1] },
    })
    expect(old.spoiler).toBe(false)
    expect(old.spoilerLiftedAt).toBe('2020-01-02T12:00:00.000Z')
    expect((await fetchText(`${server.url}/c/the-show/p/${old.id}`)).text).toContain('LIFTED-TEXT')
    // Chapter 8 airs in 2099: still hidden.
    const still = await w.fan.get(`/api/v1/channels/the-show/posts/${spoilerPost.id}`)
    expect(still.body.spoiler).toBe(true)
    expect((await fetchText(`${server.url}/c/the-show/p/${spoilerPost.id}`)).text).not.toContain(SECRET_TEXT)
  })
})
