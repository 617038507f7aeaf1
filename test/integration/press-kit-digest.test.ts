import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { traceLeak } from '../../src/production/index.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { exifJpeg, photoLikeJpeg, uploadImage } from '../_util/images.js'
import { metadataFound } from '../_util/metadata.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { unzip } from './exports.fixture.js'
import {
  createPost,
  fetchBytes,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
} from './press.fixture.js'

const soon = (ms: number) => new Date(Date.now() + ms).toISOString()

/**
 * Issue 19 part 3, "for a post, an album or a digest": the owner issues the press kit of a digest
 * to one recipient. Its page lists the digest's posts in order with captions, credits and images;
 * its zip holds every non-spoiler image of those posts, marked for the link, with a manifest naming
 * each image's post. Opens and downloads are counted per link; revocation and expiry end it; a post
 * deleted after issue vanishes from page and zip; deleting the digest deletes its kits.
 */
describe.each(testDatabases)('press kits of a digest (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
  })
  afterAll(() => server?.destroy())

  async function image(alt: string, options: { credit?: string; spoiler?: string; photo?: boolean } = {}) {
    const bytes = options.photo ? await photoLikeJpeg(1400, 950, alt.length) : await exifJpeg()
    const res = await uploadImage(server.url, w.accounts.creator.token, bytes, {
      alt,
      ...(options.credit && { credit: options.credit }),
      ...(options.spoiler && { spoiler: options.spoiler }),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id as string
  }

  /** A digest of: an embargoed album, a published album with a spoiler image, a text post and a draft. */
  async function digestWorld(title: string) {
    const stage = await image('Stage 4 at dawn', { credit: 'Ana Ruiz', photo: true })
    const embargoed = await createPost(w.creator, 'the-show', {
      text: `${title}: finale first look <b>bold</b>`,
      media: [{ id: stage }],
      publishAt: soon(48 * 3_600_000),
    })
    const pier = await image('The pier at night', { credit: 'Bo Chen' })
    const secret = await image('The last scene', { spoiler: 'true' })
    const published = await createPost(w.creator, 'the-show', {
      text: `${title}: night exteriors`,
      media: [{ id: pier }, { id: secret }],
    })
    const text = await createPost(w.creator, 'the-show', { text: `${title}: a text-only update` })
    const draftImage = await image('Unfinished')
    const draft = await createPost(w.creator, 'the-show', {
      text: `${title}: a draft nobody signed off`,
      media: [{ id: draftImage }],
      status: 'draft',
    })
    const res = await w.creator.post('/api/v1/channels/the-show/digests', {
      title,
      intro: 'Weeks of <i>night</i> shoots',
      postIds: [embargoed.id, published.id, text.id, draft.id],
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return { digest: res.body, embargoed, published, text, draft, media: { stage, pier, secret, draftImage } }
  }
  const kitsOf = (digestId: string) => `/api/v1/channels/the-show/digests/${digestId}/press-kits`
  const kitFor = {
    recipient: 'Ana Ruiz',
    outlet: 'Variety',
    contact: 'press@the-show.example',
    usageNote: 'Editorial use after the embargo',
  }
  const issue = async (digestId: string) => {
    const res = await w.owner.post(kitsOf(digestId), kitFor)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body
  }

  it('lists the posts in order, zips their non-spoiler images with a manifest, and counts per link', async () => {
    const s = await digestWorld('Digest one')
    const kit = await issue(s.digest.id)
    expect(kit).toMatchObject({ digestId: s.digest.id, postId: null, recipient: 'Ana Ruiz', opens: 0 })
    expect(kit.url).toMatch(/\/kit\/kit_[A-Za-z0-9_-]{43}$/)

    const page = await fetchText(kit.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('x-robots-tag') ?? page.text).toMatch(/noindex/)
    expect(page.text).toContain('Digest one')
    expect(page.text).toContain('Weeks of &lt;i&gt;night&lt;/i&gt; shoots')
    expect(page.text).toContain('Digest one: finale first look &lt;b&gt;bold&lt;/b&gt;')
    expect(page.text).toContain('EMBARGOED UNTIL')
    expect(page.text).toContain('© Ana Ruiz')
    expect(page.text).toContain('© Bo Chen')
    expect(page.text).toContain('Issued to Ana Ruiz, Variety')
    // In the digest's order; the draft stays out; the spoiler image is never served through the kit.
    const order = [...page.text.matchAll(/data-post="([0-9A-Z]{26})"/g)].map((m) => m[1])
    expect(order).toEqual([s.embargoed.id, s.published.id, s.text.id])
    expect(page.text).not.toContain('a draft nobody signed off')
    expect(page.text).not.toMatch(new RegExp(`/kit/[^"]+/${s.media.secret}/`))
    expect(page.text).not.toContain(s.media.draftImage)

    const zip = await fetchBytes(`${kit.url}/press-kit.zip`)
    expect(zip.status).toBe(200)
    expect(zip.headers.get('content-disposition')).toContain(s.digest.id)
    const entries = await unzip(zip.bytes)
    const images = [`images/01-01-${s.media.stage}.jpg`, `images/02-01-${s.media.pier}.jpg`]
    expect([...entries.keys()].sort()).toEqual(['captions.txt', 'manifest.json', ...images].sort())
    for (const name of images) expect(await metadataFound(entries.get(name)!, 'jpeg')).toEqual([])
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'))
    expect(manifest).toMatchObject({
      format: 'backlot-press-kit/1',
      digest: { id: s.digest.id, title: 'Digest one', url: s.digest.url },
      issuedTo: { recipient: 'Ana Ruiz', outlet: 'Variety' },
      omittedImages: 0,
    })
    expect(manifest.posts.map((p: { id: string }) => p.id)).toEqual([
      s.embargoed.id,
      s.published.id,
      s.text.id,
    ])
    expect(Date.parse(manifest.posts[0].embargoUntil)).toBeGreaterThan(Date.now())
    expect(manifest.posts[1]).toMatchObject({ published: true, embargoUntil: null })
    expect(manifest.images).toEqual([
      expect.objectContaining({ file: images[0], post: s.embargoed.id, caption: 'Stage 4 at dawn' }),
      expect.objectContaining({ file: images[1], post: s.published.id, credit: 'Bo Chen' }),
    ])
    expect(entries.get('captions.txt')!.toString('utf8')).toContain('Digest one: night exteriors')

    // The zip's image carries this link's mark: a leak traces back to the digest's kit.
    const traced = await traceLeak(server.ctx.db, entries.get(images[0]!)!)
    expect(traced.source).toMatchObject({ kind: 'kit', linkId: kit.id, digestId: s.digest.id, postId: null })

    const listed = (await w.owner.get(kitsOf(s.digest.id))).body.items
    expect(listed).toEqual([expect.objectContaining({ id: kit.id, opens: 1, downloads: 1 })])
    expect(listed[0].url).toBeUndefined()
    // The post's own kit list does not show the digest's kit.
    expect(
      (await w.owner.get(`/api/v1/channels/the-show/posts/${s.published.id}/press-kits`)).body.items,
    ).toEqual([])
  })

  it('drops a post deleted after issue from page and zip, and is gone with its digest', async () => {
    const s = await digestWorld('Digest two')
    const kit = await issue(s.digest.id)
    const pierPath = (await fetchText(kit.url)).text.match(
      new RegExp(`/kit/kit_[^"/]+/${s.media.pier}/[^"\\s]+\\.jpg`),
    )?.[0]
    expect(pierPath).toBeDefined()
    const jpeg = await fetchBytes(server.url + pierPath!)
    expect(jpeg.status).toBe(200)
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg')
    // A WebP variant is answered as WebP, not as JPEG (sendImage named every file image/jpeg).
    const webp = await fetchBytes(server.url + pierPath!.replace(/\.jpg$/, '.webp'))
    expect(webp.status).toBe(200)
    expect(webp.headers.get('content-type')).toBe('image/webp')
    expect(webp.bytes.subarray(8, 12).toString('latin1')).toBe('WEBP')

    expect((await w.creator.delete(`/api/v1/channels/the-show/posts/${s.published.id}`)).status).toBe(204)
    const page = await fetchText(kit.url)
    expect(page.status).toBe(200)
    expect(page.text).not.toContain('Digest two: night exteriors')
    expect(page.text).not.toContain(s.media.pier)
    expect((await fetchBytes(server.url + pierPath!)).status).toBe(404)
    const entries = await unzip((await fetchBytes(`${kit.url}/press-kit.zip`)).bytes)
    expect([...entries.keys()].filter((n) => n.startsWith('images/'))).toEqual([
      `images/01-01-${s.media.stage}.jpg`,
    ])
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'))
    expect(manifest.posts.map((p: { id: string }) => p.id)).toEqual([s.embargoed.id, s.text.id])
    expect(entries.get('captions.txt')!.toString('utf8')).not.toContain('night exteriors')

    expect((await w.creator.delete(`/api/v1/channels/the-show/digests/${s.digest.id}`)).status).toBe(204)
    expect((await fetchText(kit.url)).status).toBe(404)
    expect((await fetchBytes(`${kit.url}/press-kit.zip`)).status).toBe(404)
    const left = await server.ctx.db.selectFrom('press_kit').select('id').where('id', '=', kit.id).execute()
    expect(left).toEqual([])
  })

  it('stops answering once revoked or expired', async () => {
    const s = await digestWorld('Digest three')
    const revoked = await issue(s.digest.id)
    const expiring = await issue(s.digest.id)
    const imagePath = (await fetchText(revoked.url)).text.match(
      /\/kit\/kit_[^"/]+\/[0-9A-Z]{26}\/[^"\s]+\.jpg/,
    )?.[0]
    expect((await fetchBytes(server.url + imagePath!)).status).toBe(200)

    expect((await w.owner.delete(`${kitsOf(s.digest.id)}/${revoked.id}`)).status).toBe(204)
    expect((await w.owner.delete(`${kitsOf(s.digest.id)}/${revoked.id}`)).status).toBe(204)
    expect((await fetchText(revoked.url)).status).toBe(404)
    expect((await fetchBytes(`${revoked.url}/press-kit.zip`)).status).toBe(404)
    expect((await fetchBytes(server.url + imagePath!)).status).toBe(404)
    // A kit id is revoked only under its own subject.
    const other = await w.owner.delete(
      `/api/v1/channels/the-show/posts/${s.published.id}/press-kits/${expiring.id}`,
    )
    expect(other.status).toBe(404)

    await server.ctx.db
      .updateTable('press_kit')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', expiring.id)
      .execute()
    expect((await fetchText(expiring.url)).status).toBe(404)
    expect((await fetchBytes(`${expiring.url}/press-kit.zip`)).status).toBe(404)
    const states = (await w.owner.get(kitsOf(s.digest.id))).body.items
    expect(states.find((k: { id: string }) => k.id === revoked.id).revokedAt).not.toBeNull()
  })

  it("is issued only by the channel's owner and admins, for a digest of this channel with images", async () => {
    const s = await digestWorld('Digest four')
    expect((await w.creator.post(kitsOf(s.digest.id), kitFor)).status).toBe(403)
    expect((await w.fan.post(kitsOf(s.digest.id), kitFor)).status).toBe(403)
    expect((await w.anonymous.post(kitsOf(s.digest.id), kitFor)).status).toBe(401)
    expect((await w.fan.get(kitsOf(s.digest.id))).status).toBe(403)
    const stranger = await seedAccount(server.ctx, 'digest-stranger')
    await seedChannel(server.ctx, stranger.account, { slug: 'stranger-show' })
    const other = client(server.url, { token: stranger.token })
    expect([403, 404]).toContain((await other.post(kitsOf(s.digest.id), kitFor)).status)
    // Their own channel's path with this channel's digest id finds no digest there.
    const cross = await other.post(`/api/v1/channels/stranger-show/digests/${s.digest.id}/press-kits`, kitFor)
    expect(cross.status).toBe(404)
    expect(cross.body.code).toBe('digest-not-found')

    const unknown = await w.owner.post(kitsOf('01ARZ3NDEKTSV4RRFFQ69G5FAV'), kitFor)
    expect(unknown.status).toBe(404)
    const textOnly = await w.creator.post('/api/v1/channels/the-show/digests', {
      title: 'Words only',
      postIds: [s.text.id],
    })
    const empty = await w.owner.post(kitsOf(textOnly.body.id), kitFor)
    expect(empty.status).toBe(422)
    expect(empty.body.code).toBe('press-kit-empty')
    expect((await w.owner.post(kitsOf(s.digest.id), { ...kitFor, recipient: '' })).status).toBe(422)
  })
})
