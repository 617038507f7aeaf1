import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { exifJpeg, uploadImage } from '../_util/images.js'
import { metadataFound } from '../_util/metadata.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { plainClip, uploadAv, voiceNote } from '../_util/videos.js'
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
 * Issue 19 part 3: the owner issues a press kit of a post to one recipient — a page and a zip of
 * the images (metadata stripped, marked for the link) with a manifest — logged per recipient,
 * revocable, expiring, gone with its post, and issued only by the channel's owner or admins.
 */
describe.each(testDatabases)('press kits (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { ...pressServerEnv, BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50' },
    })
    w = await seedPressWorld(server)
  })
  afterAll(() => server?.destroy())

  async function albumPost(text: string) {
    const ids: string[] = []
    for (const [alt, credit] of [
      ['Stage 4 at dawn', 'Ana Ruiz'],
      ['The finale set', 'Bo Chen'],
    ]) {
      const res = await uploadImage(server.url, w.accounts.creator.token, await exifJpeg(), { alt, credit })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      ids.push(res.body.id)
    }
    const post = await createPost(w.creator, 'the-show', {
      text,
      media: ids.map((id) => ({ id })),
      publishAt: soon(48 * 3_600_000),
    })
    return { post, mediaIds: ids }
  }
  const kitsOf = (postId: string) => `/api/v1/channels/the-show/posts/${postId}/press-kits`
  const kitFor = {
    recipient: 'Ana Ruiz',
    outlet: 'Variety',
    contact: 'press@the-show.example',
    usageNote: 'Editorial use after the embargo',
  }

  it('carries a clip as its poster frame and leaves a voice note out: no player points at files the kit does not serve', async () => {
    const clip = await uploadAv(server.url, w.accounts.creator.token, await plainClip(1, 96, 64), {
      alt: 'Stunt rehearsal',
    })
    const voice = await uploadAv(server.url, w.accounts.creator.token, await voiceNote())
    const photo = await uploadImage(server.url, w.accounts.creator.token, await exifJpeg(), {
      alt: 'The rig',
    })
    for (const res of [clip, voice, photo]) expect(res.status, JSON.stringify(res.body)).toBe(201)
    const post = await createPost(w.creator, 'the-show', {
      text: 'Rehearsal day',
      media: [{ id: clip.body.id }, { id: photo.body.id }, { id: voice.body.id, alt: 'From the director' }],
    })
    const kit = (await w.owner.post(kitsOf(post.id), kitFor)).body

    const page = await fetchText(kit.url)
    expect(page.status).toBe(200)
    expect(page.text).not.toMatch(/<video|<audio/)
    expect(page.text).toContain('Stunt rehearsal')
    const zip = await unzip((await fetchBytes(`${kit.url}/press-kit.zip`)).bytes)
    const images = [...zip.keys()].filter((name) => name.startsWith('images/'))
    expect(images).toEqual([`images/01-${clip.body.id}.jpg`, `images/02-${photo.body.id}.jpg`])
    for (const name of images) expect(await metadataFound(zip.get(name)!, 'jpeg')).toEqual([])
  })

  it('serves a page and a zip of exactly its images, stripped and described, and counts opens and downloads', async () => {
    const { post, mediaIds } = await albumPost('Finale first look <b>bold</b>')
    const res = await w.owner.post(kitsOf(post.id), { ...kitFor, email: 'ana@variety.example' })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const kit = res.body
    expect(kit).toMatchObject({ recipient: 'Ana Ruiz', outlet: 'Variety', opens: 0, downloads: 0 })
    expect(kit.url).toMatch(/\/kit\/kit_[A-Za-z0-9_-]{43}$/)

    const page = await fetchText(kit.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('x-robots-tag') ?? page.text).toMatch(/noindex/)
    expect(page.text).toContain('EMBARGOED UNTIL')
    expect(page.text).toContain('Issued to Ana Ruiz, Variety')
    expect(page.text).toContain('press@the-show.example')
    expect(page.text).toContain('Editorial use after the embargo')
    expect(page.text).toContain('© Ana Ruiz')
    expect(page.text).toContain('Finale first look &lt;b&gt;bold&lt;/b&gt;')
    const spanish = await fetchText(kit.url, { 'accept-language': 'es' })
    expect(spanish.text).toContain('Dossier de prensa')
    expect(spanish.text).toContain('Para Ana Ruiz, Variety')

    const zip = await fetchBytes(`${kit.url}/press-kit.zip`)
    expect(zip.status).toBe(200)
    expect(zip.headers.get('content-type')).toBe('application/zip')
    const entries = await unzip(zip.bytes)
    const images = mediaIds.map((id, i) => `images/0${i + 1}-${id}.jpg`)
    expect([...entries.keys()].sort()).toEqual(['captions.txt', 'manifest.json', ...images].sort())
    for (const name of images) expect(await metadataFound(entries.get(name)!, 'jpeg')).toEqual([])
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'))
    expect(manifest).toMatchObject({
      format: 'backlot-press-kit/1',
      channel: { slug: 'the-show' },
      post: { id: post.id, caption: 'Finale first look <b>bold</b>', published: false },
      issuedTo: { recipient: 'Ana Ruiz', outlet: 'Variety' },
      contact: 'press@the-show.example',
      usageNote: 'Editorial use after the embargo',
    })
    expect(Date.parse(manifest.post.embargoUntil)).toBeGreaterThan(Date.now())
    expect(manifest.images).toEqual([
      expect.objectContaining({ file: images[0], caption: 'Stage 4 at dawn', credit: 'Ana Ruiz' }),
      expect.objectContaining({ file: images[1], caption: 'The finale set', credit: 'Bo Chen' }),
    ])
    expect(entries.get('captions.txt')!.toString('utf8')).toContain('Press contact: press@the-show.example')

    const [listed] = (await w.owner.get(kitsOf(post.id))).body.items
    expect(listed).toMatchObject({ id: kit.id, opens: 2, downloads: 1, email: 'ana@variety.example' })
    expect(listed.url).toBeUndefined()
    expect(listed.lastDownloadedAt).not.toBeNull()
  })

  it('stops answering once revoked or expired, and is gone with its post', async () => {
    const { post } = await albumPost('Kit that ends')
    const revoked = (await w.owner.post(kitsOf(post.id), kitFor)).body
    const expiring = (await w.owner.post(kitsOf(post.id), kitFor)).body
    const deleted = (await w.owner.post(kitsOf(post.id), kitFor)).body
    const imagePath = (await fetchText(revoked.url)).text.match(
      /\/kit\/kit_[^"/]+\/[0-9A-Z]{26}\/[^"\s]+\.jpg/,
    )?.[0]
    expect(imagePath).toBeDefined()
    expect((await fetchBytes(server.url + imagePath!)).status).toBe(200)

    expect((await w.owner.delete(`${kitsOf(post.id)}/${revoked.id}`)).status).toBe(204)
    expect((await fetchText(revoked.url)).status).toBe(404)
    expect((await fetchBytes(`${revoked.url}/press-kit.zip`)).status).toBe(404)
    expect((await fetchBytes(server.url + imagePath!)).status).toBe(404)

    await server.ctx.db
      .updateTable('press_kit')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', expiring.id)
      .execute()
    expect((await fetchText(expiring.url)).status).toBe(404)
    expect((await fetchBytes(`${expiring.url}/press-kit.zip`)).status).toBe(404)

    expect((await fetchText(deleted.url)).status).toBe(200)
    expect((await w.creator.delete(`/api/v1/channels/the-show/posts/${post.id}`)).status).toBe(204)
    expect((await fetchText(deleted.url)).status).toBe(404)
    expect((await fetchBytes(`${deleted.url}/press-kit.zip`)).status).toBe(404)
    const left = await server.ctx.db
      .selectFrom('press_kit')
      .select('id')
      .where('post_id', '=', post.id)
      .execute()
    expect(left).toEqual([])
  })

  it("is issued only by the channel's owner and admins, for a post with images", async () => {
    const { post } = await albumPost('Only the owner')
    expect((await w.creator.post(kitsOf(post.id), kitFor)).status).toBe(403)
    expect((await w.fan.post(kitsOf(post.id), kitFor)).status).toBe(403)
    expect((await w.anonymous.post(kitsOf(post.id), kitFor)).status).toBe(401)
    const stranger = await seedAccount(server.ctx, 'other-showrunner')
    await seedChannel(server.ctx, stranger.account, { slug: 'other-show' })
    const other = client(server.url, { token: stranger.token })
    expect([403, 404]).toContain((await other.post(kitsOf(post.id), kitFor)).status)
    expect([403, 404]).toContain((await other.get(kitsOf(post.id))).status)
    // Their own channel's path with this channel's post id finds no post there.
    expect((await other.post(`/api/v1/channels/other-show/posts/${post.id}/press-kits`, kitFor)).status).toBe(
      404,
    )

    const textOnly = await createPost(w.owner, 'the-show', { text: 'No pictures' })
    const empty = await w.owner.post(kitsOf(textOnly.id), kitFor)
    expect(empty.status).toBe(422)
    expect(empty.body.code).toBe('press-kit-empty')
    expect((await w.owner.post(kitsOf(post.id), { ...kitFor, contact: '  ' })).status).toBe(422)
    expect((await fetchText(`${server.url}/kit/kit_${'x'.repeat(43)}`)).status).toBe(404)
  })
})
