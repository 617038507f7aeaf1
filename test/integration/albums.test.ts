import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../src/util/ids.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  albumServerEnv,
  albumTables,
  ids,
  insertMediaRow,
  seedAlbumWorld,
  uploadMany,
} from './albums.fixture.js'

describe.each(testDatabases)('album posts on %s', (kind) => {
  let server: TestServer
  let w: Awaited<ReturnType<typeof seedAlbumWorld>>
  const posts = (slug = 'set-diary') => `/api/v1/channels/${slug}/posts`

  beforeAll(async () => {
    server = await startTestServer(kind, { env: albumServerEnv })
    w = await seedAlbumWorld(server)
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('publishes the images in the order sent, with sizes, blurhash, files and per-post fields', async () => {
    const [a, b, c] = await uploadMany(server, w.accounts.creator.token, 3, { alt: 'Upload alt' })
    const res = await w.creator.post(posts(), {
      text: 'A look at weeks 11–14 of filming',
      spoilerLabel: 'Chapter 8',
      media: [
        { id: b!.id, alt: 'Crane at night', credit: 'Jo Stills', spoiler: true },
        { id: a!.id },
        {
          id: c!.id,
          alt: '  Trimmed alt  ',
        },
      ],
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const post = res.body
    expect(post).toMatchObject({ kind: 'album', spoiler: true, spoilerLabel: 'Chapter 8' })
    expect(post.media.map((m: { id: string }) => m.id)).toEqual([b!.id, a!.id, c!.id])
    expect(post.media[0]).toMatchObject({
      position: 0,
      width: b!.width,
      height: b!.height,
      blurhash: b!.blurhash,
      alt: 'Crane at night',
      credit: 'Jo Stills',
      spoiler: true,
      variants: b!.variants,
      originalUrl: b!.originalUrl,
    })
    // Fields left out come from the upload.
    expect(post.media[1]).toMatchObject({ position: 1, alt: 'Upload alt', credit: null, spoiler: false })
    expect(post.media[2]).toMatchObject({ position: 2, alt: 'Trimmed alt' })
    for (const item of post.media) {
      expect(item.width).toBeGreaterThan(0)
      expect(item.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/)
      expect(item.variants.length).toBeGreaterThan(0)
    }

    // Every read path and the event carry the same album.
    const one = await w.anonymous.get(`${posts()}/${post.id}`)
    expect(one.body.media).toEqual(post.media)
    const list = await w.fan.get(posts())
    expect(list.body.items.find((p: { id: string }) => p.id === post.id).media).toEqual(post.media)
    const event = await server.ctx.db
      .selectFrom('channel_event')
      .select('data')
      .where('post_id', '=', post.id)
      .where('type', '=', 'post.published')
      .executeTakeFirstOrThrow()
    expect(JSON.parse(event.data).media).toEqual(post.media)

    // The files of a published album in a public channel are public.
    const file = await fetch(post.media[0].variants[0].url)
    expect(file.status).toBe(200)
    expect(file.headers.get('cache-control')).toContain('public')
  })

  it('lists a page of albums and text posts, each with its own images', async () => {
    const [a, b, c] = await uploadMany(server, w.accounts.creator2.token, 3)
    const first = await w.creator2.post(posts(), { media: ids([a!, b!]) })
    const text = await w.creator2.post(posts(), { text: 'No images here' })
    const second = await w.creator2.post(posts(), { media: ids([c!]) })
    expect([first.status, text.status, second.status]).toEqual([201, 201, 201])
    expect(first.body.text).toBe('')
    expect(text.body).toMatchObject({ kind: 'text' })
    expect(text.body.media).toBeUndefined()
    const page = await w.anonymous.get(`${posts()}?limit=3`)
    const byId = new Map(page.body.items.map((p: { id: string }) => [p.id, p]))
    expect((byId.get(first.body.id) as any).media.map((m: { id: string }) => m.id)).toEqual([a!.id, b!.id])
    expect((byId.get(second.body.id) as any).media.map((m: { id: string }) => m.id)).toEqual([c!.id])
  })

  describe('a bad image fails the whole post and writes nothing', () => {
    async function expectRefused(media: unknown, status: number, code: string) {
      const before = await albumTables(server)
      const res = await w.creator.post(posts(), { text: 'Should not appear', media })
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      expect(res.body.code).toBe(code)
      expect(await albumTables(server)).toEqual(before)
      return res.body
    }

    it('refuses another creator’s upload exactly like an unknown id', async () => {
      const [mine] = await uploadMany(server, w.accounts.creator.token, 1)
      const [theirs] = await uploadMany(server, w.accounts.creator2.token, 1)
      const unknown = newId()
      const other = await expectRefused(ids([mine!, theirs!]), 404, 'media-not-found')
      const missing = await expectRefused(ids([mine!, { id: unknown }]), 404, 'media-not-found')
      expect(other.detail).toBe(`No media ${theirs!.id}.`)
      expect(missing.detail).toBe(`No media ${unknown}.`)
      expect(other.title).toBe(missing.title)
      // The good upload is still free for a later post.
      expect((await w.creator.post(posts(), { media: ids([mine!]) })).status).toBe(201)
    })

    it('refuses an upload already in a post', async () => {
      const [used, fresh] = await uploadMany(server, w.accounts.creator.token, 2)
      expect((await w.creator.post(posts(), { media: ids([used!]) })).status).toBe(201)
      const problem = await expectRefused(ids([fresh!, used!]), 409, 'media-already-used')
      expect(problem.mediaId).toBe(used!.id)
    })

    it('refuses an upload still processing or whose processing failed', async () => {
      const [ready] = await uploadMany(server, w.accounts.creator.token, 1)
      const processing = await insertMediaRow(server, w.accounts.creator.account.id, 'processing')
      const failed = await insertMediaRow(server, w.accounts.creator.account.id, 'failed')
      await expectRefused(ids([ready!, processing]), 409, 'media-not-ready')
      const problem = await expectRefused(ids([failed, ready!]), 409, 'media-not-ready')
      expect(problem.detail).toContain('image-corrupt')
    })

    it('refuses malformed album lists', async () => {
      const [a] = await uploadMany(server, w.accounts.creator.token, 1)
      const twentyOne = Array.from({ length: 21 }, () => ({ id: newId() }))
      await expectRefused([], 422, 'validation')
      await expectRefused(twentyOne, 422, 'validation')
      await expectRefused([{ id: a!.id }, { id: a!.id }], 422, 'validation')
      await expectRefused([{ id: 'not-a-media-id' }], 422, 'validation')
      await expectRefused([{ id: a!.id, caption: 'unknown field' }], 422, 'validation')
      await expectRefused([{ id: a!.id, alt: 'bad\u0000alt' }], 422, 'validation')
      const before = await albumTables(server)
      const both = await w.creator.post(posts(), {
        media: ids([a!]),
        poll: { question: 'Which one?', options: ['This', 'That'] },
      })
      expect(both.status).toBe(422)
      expect(await albumTables(server)).toEqual(before)
    })
  })

  it('gives concurrent posts of the same upload to exactly one of them', async () => {
    const [shared] = await uploadMany(server, w.accounts.creator.token, 1)
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        w.creator.post(posts(), { text: `Race ${i}`, media: ids([shared!]) }),
      ),
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409])
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('media-already-used')
    const links = await server.ctx.db
      .selectFrom('post_media')
      .selectAll()
      .where('media_id', '=', shared!.id)
      .execute()
    expect(links).toHaveLength(1)
  })

  it('replays an Idempotency-Key only for the same media list', async () => {
    const [a, b] = await uploadMany(server, w.accounts.creator.token, 2)
    const key = { 'idempotency-key': `album-${newId()}` }
    const body = { text: 'Retry-safe album', media: ids([a!, b!]) }
    const first = await w.creator.post(posts(), body, key)
    expect(first.status).toBe(201)
    const retry = await w.creator.post(posts(), body, key)
    expect(retry.status).toBe(200)
    expect(retry.body).toEqual(first.body)
    const reordered = await w.creator.post(posts(), { ...body, media: ids([b!, a!]) }, key)
    expect(reordered.status).toBe(422)
    expect(reordered.body.code).toBe('idempotency-key-reused')
    const withAlt = await w.creator.post(
      posts(),
      { ...body, media: [{ id: a!.id, alt: 'x' }, { id: b!.id }] },
      key,
    )
    expect(withAlt.body.code).toBe('idempotency-key-reused')
  })

  it('replays concurrent retries of one album to the same post', async () => {
    const media = await uploadMany(server, w.accounts.creator.token, 2)
    const key = { 'idempotency-key': `album-${newId()}` }
    const body = { media: ids(media) }
    const results = await Promise.all([1, 2, 3].map(() => w.creator.post(posts(), body, key)))
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201])
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1)
  })

  it('keeps a private channel’s album images from non-members', async () => {
    const [img] = await uploadMany(server, w.accounts.owner.token, 1)
    const res = await w.owner.post(posts('writers-room'), { text: 'Table read', media: ids([img!]) })
    expect(res.status).toBe(201)
    const { id, variants, originalUrl } = res.body.media[0]
    const urls = [originalUrl, variants[0].url]
    const auth = (token: string) => ({ authorization: `Bearer ${token}` })

    for (const headers of [{}, auth(w.accounts.outsider.token), auth(w.accounts.fan.token)]) {
      expect((await fetch(`${server.url}/api/v1/media/${id}`, { headers })).status).toBe(404)
      for (const url of urls) expect((await fetch(url, { headers })).status).toBe(404)
    }
    expect((await w.outsider.get(`${posts('writers-room')}/${res.body.id}`)).status).toBe(404)

    const insider = auth(w.accounts.insider.token)
    expect((await fetch(`${server.url}/api/v1/media/${id}`, { headers: insider })).status).toBe(200)
    const file = await fetch(urls[1], { headers: insider })
    expect(file.status).toBe(200)
    expect(file.headers.get('cache-control')).toBe('private, no-store')
  })

  it('documents the album fields in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as any
    const create = doc.paths['/api/v1/channels/{slug}/posts'].post
    const media = create.requestBody.content['application/json'].schema.properties.media
    expect(media).toMatchObject({ minItems: 1, maxItems: 20 })
    expect(media.items.required).toEqual(['id'])
    const view = create.responses['201'].content['application/json'].schema
    expect(Object.keys(view.properties.media.items.properties)).toEqual(
      expect.arrayContaining([
        'id',
        'position',
        'width',
        'height',
        'blurhash',
        'alt',
        'variants',
        'originalUrl',
      ]),
    )
  })

  it('lets only posting roles publish albums', async () => {
    const [img] = await uploadMany(server, w.accounts.creator.token, 1)
    const before = await albumTables(server)
    const res = await w.fan.post(posts(), { media: ids([img!]) })
    expect(res.status).toBe(403)
    expect(await albumTables(server)).toEqual(before)
  })
})
