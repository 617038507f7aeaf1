import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { getFrom, RawConnection } from '../_util/sockets.js'
import { SseReader, StreamClient } from '../_util/stream.js'

/**
 * Issue 14, item 4: connections and live streams are capped per client address, and another
 * address is unaffected. Linux routes all of 127/8 to loopback, so 127.0.0.2 is "another client";
 * BACKLOT_CONNECTION_LIMIT_EXEMPT=none lifts the default exemption of loopback for the test.
 *
 * SQLite only: the caps are counted on the server's sockets, with no database involved.
 */
describe('connections per address', () => {
  let server: TestServer
  const open: RawConnection[] = []

  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      env: { BACKLOT_CONNECTION_LIMIT_EXEMPT: 'none', BACKLOT_MAX_CONNECTIONS_PER_ADDRESS: '3' },
    })
  })

  afterAll(async () => {
    for (const connection of open) connection.destroy()
    await server.destroy()
  })

  it('closes the connection past the cap unanswered, serves another address, and frees a slot on close', async () => {
    for (let i = 0; i < 3; i++) open.push(await RawConnection.open(server.url, '127.0.0.1'))
    const extra = await RawConnection.open(server.url, '127.0.0.1')
    extra.write('GET /healthz HTTP/1.1\r\nHost: backlot.test\r\n\r\n')
    await extra.waitClosed()
    expect(extra.received).toBe('')

    expect(await getFrom(server.url, '/healthz', '127.0.0.2')).toMatchObject({ status: 200 })
    // The three held ones still work.
    open[0]!.write('GET /healthz HTTP/1.1\r\nHost: backlot.test\r\n\r\n')
    await expect.poll(() => open[0]!.received).toMatch(/^HTTP\/1\.1 200 /)

    open.pop()!.destroy()
    await expect.poll(async () => (await getFrom(server.url, '/healthz', '127.0.0.1')).status).toBe(200)
  })
})

describe('live streams per address', () => {
  let server: TestServer
  const streams: StreamClient[] = []
  const readers: SseReader[] = []
  const openStream = async (localAddress: string, headers: Record<string, string> = {}) => {
    const stream = await StreamClient.open(server.url, { localAddress, headers })
    streams.push(stream)
    return stream
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      env: {
        BACKLOT_CONNECTION_LIMIT_EXEMPT: 'none',
        BACKLOT_MAX_STREAMS_PER_ADDRESS: '2',
        BACKLOT_TRUST_PROXY: '1',
      },
    })
    const owner = await seedAccount(server.ctx, 'owner')
    await seedChannel(server.ctx, owner.account, { slug: 'premiere' })
  })

  afterAll(async () => {
    for (const stream of streams) stream.ws.terminate()
    for (const reader of readers) reader.close()
    await server.destroy()
  })

  it('closes the WebSocket past the cap with 4029, refuses SSE with 429, and serves another address', async () => {
    const first = await openStream('127.0.0.1')
    await openStream('127.0.0.1')
    const refused = await openStream('127.0.0.1')
    expect(await refused.closed).toEqual({ code: 4029, reason: 'too many streams from this address' })

    const sse = await SseReader.open(`${server.url}/api/v1/channels/premiere/events`, {}, '127.0.0.1')
    readers.push(sse)
    expect(sse.status).toBe(429)
    await sse.waitForEnd()
    expect(JSON.parse(sse.rawBody)).toMatchObject({ status: 429, code: 'too-many-streams' })

    const other = await openStream('127.0.0.2')
    other.subscribe('premiere')
    await other.waitFor((f) => f.type === 'subscribed')

    await first.close()
    const again = await openStream('127.0.0.1')
    again.subscribe('premiere')
    await again.waitFor((f) => f.type === 'subscribed')
  })

  it('counts streams by the forwarded client address behind a trusted proxy', async () => {
    // 127.0.0.3 plays the reverse proxy: all its streams come from one TCP peer.
    const viaProxy = (client: string) => openStream('127.0.0.3', { 'x-forwarded-for': client })
    await viaProxy('198.51.100.7')
    await viaProxy('198.51.100.7')
    const refused = await viaProxy('198.51.100.7')
    expect((await refused.closed).code).toBe(4029)
    const otherFan = await viaProxy('198.51.100.8')
    otherFan.subscribe('premiere')
    await otherFan.waitFor((f) => f.type === 'subscribed')
  })
})
