import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { type Frame, StreamClient } from '../_util/stream.js'
import { albumServerEnv, ids, seedAlbumWorld, uploadMany } from './albums.fixture.js'

const SUBSCRIBERS = 50
const IMAGES = 10

describe.each(testDatabases)('a live album on %s', (kind) => {
  let server: TestServer
  let w: Awaited<ReturnType<typeof seedAlbumWorld>>
  const sockets: StreamClient[] = []

  beforeAll(async () => {
    server = await startTestServer(kind, { env: albumServerEnv })
    w = await seedAlbumWorld(server)
  })
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()))
    await server.destroy()
  })

  it(`reaches each of ${SUBSCRIBERS} subscribers once, with all ${IMAGES} images ready to lay out`, async () => {
    const media = await uploadMany(server, w.accounts.creator.token, IMAGES)
    for (let i = 0; i < SUBSCRIBERS; i++) {
      // Fans, anonymous readers: the event is the same public view for all of them.
      const token = i % 2 === 0 ? w.accounts.fan.token : undefined
      sockets.push(await StreamClient.open(server.url, { token }))
    }
    await Promise.all(sockets.map((s) => s.subscribeAndWait('set-diary')))

    const res = await w.creator.post('/api/v1/channels/set-diary/posts', {
      text: 'Weeks 11–14 on set',
      spoilerLabel: 'Chapter 8',
      media: ids(media),
    })
    expect(res.status).toBe(201)
    // A text post after the album: once it has arrived, nothing about the album is still in flight.
    const marker = await w.creator.post('/api/v1/channels/set-diary/posts', { text: 'That is all for today' })
    expect(marker.status).toBe(201)

    const isMarker = (f: Frame) => f.event?.data?.id === marker.body.id
    await Promise.all(sockets.map((s) => s.waitFor(isMarker)))
    for (const socket of sockets) {
      const published = socket
        .events('set-diary')
        .filter((f) => f.event.type === 'post.published' && f.event.data.id === res.body.id)
      expect(published).toHaveLength(1)
      const album = published[0]!.event.data
      expect(album).toMatchObject({ kind: 'album', spoilerLabel: 'Chapter 8' })
      expect(album.media.map((m: { id: string }) => m.id)).toEqual(media.map((m) => m.id))
      album.media.forEach((item: any, i: number) => {
        expect(item).toMatchObject({
          position: i,
          width: media[i]!.width,
          height: media[i]!.height,
          blurhash: media[i]!.blurhash,
        })
        expect(item.width).toBeGreaterThan(0)
        expect(item.blurhash).toEqual(expect.any(String))
        expect(item.variants.length).toBeGreaterThan(0)
      })
    }
  })
})
