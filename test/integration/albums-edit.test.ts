import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MediaRow } from '../../src/db/schema.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { type Frame, StreamClient } from '../_util/stream.js'
import {
  albumServerEnv,
  albumTables,
  fileExists,
  ids,
  seedAlbumWorld,
  storeKeys,
  type UploadedMedia,
  uploadMany,
} from './albums.fixture.js'

const posts = '/api/v1/channels/set-diary/posts'
const mediaIds = (post: { media: { id: string }[] }) => post.media.map((m) => m.id)

describe.each(testDatabases)('editing and deleting albums on %s', (kind) => {
  let server: TestServer
  let w: Awaited<ReturnType<typeof seedAlbumWorld>>
  let stream: StreamClient

  beforeAll(async () => {
    server = await startTestServer(kind, { env: albumServerEnv })
    w = await seedAlbumWorld(server)
    stream = await StreamClient.open(server.url)
    await stream.subscribeAndWait('set-diary')
  })
  afterAll(async () => {
    await stream.close()
    await server.destroy()
  })

  async function album(count: number) {
    const media = await uploadMany(server, w.accounts.creator.token, count, { alt: 'From upload' })
    const res = await w.creator.post(posts, { text: 'Set photos', media: ids(media) })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return { post: res.body, media }
  }

  /** PATCHes the post and returns the view with the `post.edited` event it published. */
  async function edit(postId: string, body: unknown): Promise<{ view: any; event: Frame }> {
    const from = stream.frames.length
    const res = await w.creator.patch(`${posts}/${postId}`, body)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const event = await stream.waitFor(
      (f) => f.event?.type === 'post.edited' && f.event.data.id === postId,
      from,
    )
    return { view: res.body, event }
  }

  async function history(postId: string) {
    return (await w.owner.get(`${posts}/${postId}/history`)).body.items as any[]
  }

  async function mediaRow(id: string): Promise<MediaRow | undefined> {
    return server.ctx.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst()
  }

  it('reorders the images, keeping each one’s fields, with history and an event', async () => {
    const { post, media } = await album(3)
    const [a, b, c] = media as [UploadedMedia, UploadedMedia, UploadedMedia]
    const { view, event } = await edit(post.id, { media: ids([c, a, b]) })
    expect(mediaIds(view)).toEqual([c.id, a.id, b.id])
    expect(view.media.map((m: { position: number }) => m.position)).toEqual([0, 1, 2])
    expect(view.media[0]).toMatchObject({ alt: 'From upload', width: c.width, blurhash: c.blurhash })
    expect(view).toMatchObject({ revision: 1, editedAt: expect.any(String) })
    expect(event.event.data).toEqual(view)
    const [entry] = await history(post.id)
    expect(entry.revision).toBe(0)
    expect(entry.snapshot.media).toEqual(
      [a, b, c].map((m) => ({
        id: m.id,
        alt: 'From upload',
        credit: null,
        rights: null,
        spoiler: false,
        spoilerLabel: null,
      })),
    )
  })

  it('changes alt text, credit and spoiler of one image and leaves the others alone', async () => {
    const { post, media } = await album(2)
    const [a, b] = media as [UploadedMedia, UploadedMedia]
    const { view } = await edit(post.id, {
      media: [{ id: a.id }, { id: b.id, alt: 'Chapter 8 wardrobe test', credit: 'Jo Stills', spoiler: true }],
    })
    expect(view.media[0]).toMatchObject({ id: a.id, alt: 'From upload', credit: null, spoiler: false })
    expect(view.media[1]).toMatchObject({
      id: b.id,
      alt: 'Chapter 8 wardrobe test',
      credit: 'Jo Stills',
      spoiler: true,
    })
    // Sending the same list again changes nothing and records nothing.
    const before = await albumTables(server)
    const same = await w.creator.patch(`${posts}/${post.id}`, {
      media: view.media.map((m: any) => ({ id: m.id })),
    })
    expect(same.status).toBe(200)
    expect(same.body.revision).toBe(1)
    expect(same.body.media).toEqual(view.media)
    expect(await albumTables(server)).toEqual(before)
  })

  it('adds and removes images: removed ones are deleted with their files', async () => {
    const { post, media } = await album(3)
    const [a, b, c] = media as [UploadedMedia, UploadedMedia, UploadedMedia]
    const [d] = await uploadMany(server, w.accounts.creator.token, 1)
    const removedRow = (await mediaRow(b.id))!
    const { view, event } = await edit(post.id, {
      text: 'Set photos, final selection',
      media: [{ id: d!.id, alt: 'New arrival' }, { id: a.id }, { id: c.id }],
    })
    expect(mediaIds(view)).toEqual([d!.id, a.id, c.id])
    expect(view.media[0]).toMatchObject({ alt: 'New arrival', width: d!.width, height: d!.height })
    expect(mediaIds(event.event.data)).toEqual([d!.id, a.id, c.id])
    expect(await mediaRow(b.id)).toBeUndefined()
    for (const key of storeKeys(removedRow)) expect(fileExists(server.ctx.config.dataDir, key)).toBe(false)
    const owner = { authorization: `Bearer ${w.accounts.creator.token}` }
    expect((await fetch(b.originalUrl, { headers: owner })).status).toBe(404)
    expect((await fetch(a.originalUrl)).status).toBe(200)

    const [entry] = await history(post.id)
    expect(entry.snapshot).toMatchObject({ text: 'Set photos' })
    expect(entry.snapshot.media.map((m: { id: string }) => m.id)).toEqual([a.id, b.id, c.id])
  })

  it('refuses a bad new image and changes nothing', async () => {
    const { post } = await album(2)
    const [theirs] = await uploadMany(server, w.accounts.creator2.token, 1)
    const before = await albumTables(server)
    const res = await w.creator.patch(`${posts}/${post.id}`, {
      text: 'Would change',
      media: [...post.media.map((m: any) => ({ id: m.id })), { id: theirs!.id }],
    })
    expect(res.status).toBe(404)
    expect(res.body.code).toBe('media-not-found')
    expect(await albumTables(server)).toEqual(before)
  })

  it('removes an album’s caption but never a text post’s text, and gives text posts no images', async () => {
    const { post, media } = await album(1)
    const { view } = await edit(post.id, { text: '' })
    expect(view.text).toBe('')
    const text = await w.creator.post(posts, { text: 'Plain words' })
    const before = await albumTables(server)
    const emptied = await w.creator.patch(`${posts}/${text.body.id}`, { text: '  ' })
    expect(emptied.status).toBe(422)
    const [img] = await uploadMany(server, w.accounts.creator.token, 1)
    const withImages = await w.creator.patch(`${posts}/${text.body.id}`, { media: ids([img!]) })
    expect(withImages.status).toBe(422)
    expect(withImages.body.errors[0].field).toBe('/media')
    const emptyAlbum = await w.creator.patch(`${posts}/${post.id}`, { media: [] })
    expect(emptyAlbum.status).toBe(422)
    expect(mediaIds((await w.fan.get(`${posts}/${post.id}`)).body)).toEqual([media[0]!.id])
    const after = await albumTables(server)
    expect({ ...after, media: after.media.filter((m) => m.id !== img!.id) }).toEqual(before)
  })

  it('deleting an album deletes its images: rows, files, URLs (for its owner too)', async () => {
    const { post, media } = await album(2)
    const rows = await Promise.all(media.map((m) => mediaRow(m.id)))
    const res = await w.creator.delete(`${posts}/${post.id}`)
    expect(res.status).toBe(204)
    const owner = { authorization: `Bearer ${w.accounts.creator.token}` }
    for (const [i, m] of media.entries()) {
      expect(await mediaRow(m.id)).toBeUndefined()
      for (const key of storeKeys(rows[i]!)) expect(fileExists(server.ctx.config.dataDir, key)).toBe(false)
      expect((await fetch(m.originalUrl, { headers: owner })).status).toBe(404)
      expect((await fetch(`${server.url}/api/v1/media/${m.id}`, { headers: owner })).status).toBe(404)
    }
    const links = await server.ctx.db
      .selectFrom('post_media')
      .selectAll()
      .where('post_id', '=', post.id)
      .execute()
    expect(links).toEqual([])
    // The deleted upload ids cannot be posted again.
    const again = await w.creator.post(posts, { media: ids(media) })
    expect(again.body.code).toBe('media-not-found')
  })

  it('lets an admin edit a creator’s album with the admin’s own uploads only', async () => {
    const { post } = await album(1)
    const [ownerUpload] = await uploadMany(server, w.accounts.owner.token, 1)
    const [creatorUpload] = await uploadMany(server, w.accounts.creator.token, 1)
    const keep = { id: post.media[0].id }
    const refused = await w.owner.patch(`${posts}/${post.id}`, { media: [keep, { id: creatorUpload!.id }] })
    expect(refused.body.code).toBe('media-not-found')
    const added = await w.owner.patch(`${posts}/${post.id}`, { media: [keep, { id: ownerUpload!.id }] })
    expect(added.status).toBe(200)
    expect(mediaIds(added.body)).toEqual([keep.id, ownerUpload!.id])
  })
})
