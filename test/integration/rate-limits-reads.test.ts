import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'
import { SseReader, StreamClient } from '../_util/stream.js'
import { clientAt, expectRateLimited, startLimitedServer } from './rate-limits.fixture.js'

/**
 * Issue 14, item 5, "every public route has a rate limit": API reads, public pages, feeds, oEmbed,
 * embeds, media files, stream opens and subscribe ops, each with a (here tiny) per-address limit.
 */
describe.each(testDatabases)('rate limits on reads and streams (%s)', (kind) => {
  let server: TestServer
  let postId: string

  beforeAll(async () => {
    server = await startLimitedServer(kind, {
      BACKLOT_RATE_LIMIT_READS: '3/1m',
      BACKLOT_RATE_LIMIT_PAGES: '4/1m',
      BACKLOT_RATE_LIMIT_MEDIA_FILES: '2/1m',
      BACKLOT_RATE_LIMIT_STREAM_OPENS: '2/1m',
      BACKLOT_RATE_LIMIT_STREAM_SUBSCRIBES: '2/1m',
      BACKLOT_RATE_LIMIT_ADDRESS_FACTOR: '1',
    })
    const owner = await seedAccount(server.ctx, 'owner')
    for (const slug of ['one', 'two', 'three']) await seedChannel(server.ctx, owner.account, { slug })
    const { post } = await server.ctx.posts.create(owner.account.id, 'one', { text: 'On set' } as never)
    postId = post.id
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('limits API reads per address; another address still reads', async () => {
    const reader = clientAt(server, '198.51.100.1')
    for (let i = 0; i < 3; i++) expect((await reader.get('/api/v1/channels/one')).status).toBe(200)
    expectRateLimited(
      await reader.get('/api/v1/channels/one/posts'),
      /^Too many requests from this address: at most 3 per minute\./,
    )
    expect((await clientAt(server, '198.51.100.2').get('/api/v1/channels/one')).status).toBe(200)
  })

  it('limits public pages, feeds, oEmbed and embeds per address', async () => {
    const press = clientAt(server, '198.51.100.3')
    const pageUrl = `${server.url}/c/one/p/${postId}`
    const pages = [
      '/c/one',
      '/c/one/feed.rss',
      `/oembed?url=${encodeURIComponent(pageUrl)}`,
      `/embed/p/${postId}`,
    ]
    for (const path of pages) expect((await press.get(path)).status).toBe(200)
    expectRateLimited(await press.get('/c/one/feed.json'), /^Too many page requests from this address/)
    expect((await clientAt(server, '198.51.100.4').get('/c/one/feed.json')).status).toBe(200)
  })

  it('limits media file requests per address, found or not', async () => {
    const scraper = clientAt(server, '198.51.100.5')
    expect((await scraper.get('/media/01ARZ3NDEKTSV4RRFFQ69G5FAV/1080.webp')).status).toBe(404)
    expect((await scraper.get('/media/01ARZ3NDEKTSV4RRFFQ69G5FAV/blur.jpg')).status).toBe(404)
    expectRateLimited(
      await scraper.get('/media/01ARZ3NDEKTSV4RRFFQ69G5FAV/320.jpg'),
      /^Too many image requests from this address/,
    )
  })

  it('refuses a WebSocket upgrade over the limit with 429 before upgrading', async () => {
    const from = { headers: { 'x-forwarded-for': '198.51.100.7' } }
    const open = [await StreamClient.open(server.url, from), await StreamClient.open(server.url, from)]
    const refused = await StreamClient.open(server.url, from).catch(
      (error: { status: number; body: string }) => error,
    )
    expect(refused).toMatchObject({ status: 429 })
    expect(JSON.parse((refused as { body: string }).body).detail).toMatch(
      /^Too many stream connections from this address: at most 2 per minute\./,
    )
    for (const socket of open) socket.ws.close()
  })

  it('refuses an SSE stream over the limit with the 429 problem', async () => {
    const url = `${server.url}/api/v1/channels/one/events`
    const headers = { 'x-forwarded-for': '198.51.100.6' }
    const open = [await SseReader.open(url, headers), await SseReader.open(url, headers)]
    expect(open.map((r) => r.status)).toEqual([200, 200])
    for (const reader of open) reader.close()
    const refused = await client(server.url, { headers }).get('/api/v1/channels/one/events')
    expectRateLimited(refused, /^Too many stream connections from this address/)
  })

  it('answers subscribe ops over the limit with a rate-limited error frame, in order', async () => {
    const owner = await seedAccount(server.ctx, 'subscriber')
    const socket = await StreamClient.open(server.url, {
      token: owner.token,
      headers: { 'x-forwarded-for': '198.51.100.8' },
    })
    socket.subscribe('one')
    socket.subscribe('two')
    socket.subscribe('three')
    const refused = await socket.waitFor((f) => f.type === 'error' && f.channel === 'three')
    expect(refused.code).toBe('rate-limited')
    expect(refused.detail).toMatch(
      /^Too many channel subscriptions from this address: at most 2 per minute\./,
    )
    // The first two ops sent are the ones admitted. Their answers may come in either order: each
    // channel's subscription reads the database on its own, and the protocol orders events within
    // a channel, not answers across channels.
    await socket.waitUntil(() => socket.frames.filter((f) => f.type === 'subscribed').length === 2)
    const subscribed = socket.frames.filter((f) => f.type === 'subscribed').map((f) => f.channel)
    expect(subscribed.sort()).toEqual(['one', 'two'])
    socket.ws.close()
  })
})
