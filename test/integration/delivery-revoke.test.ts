import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MemoryBus } from '../../src/bus/memory-bus.js'
import type { ChannelRow } from '../../src/db/schema.js'
import { client } from '../_util/client.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { seedPostEvent } from '../_util/events.js'
import { type SeededAccount, seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  type SseMessage,
  SseReader,
  StreamClient,
  type StreamClientOptions,
  sseSeq,
} from '../_util/stream.js'
import { PASSWORD, sessionCookie } from './accounts-helpers.js'

/**
 * A stream opened with a session or an API token ends when that credential does: logout, token
 * revocation (on this node or another, through the bus) and session expiry (docs/protocol.md "When
 * the credential ends"). Two nodes share one database, one bus and one clock. The clock stands
 * still unless a test moves it, so once a node has checked its streams' credentials
 * (`hub.checkCredentials()`), nothing is due again: a stream that closes after that was closed by
 * the revocation itself, not by the periodic re-check.
 */
describe.each(testDatabases)('live streams end with their credential on %s', (kind) => {
  let database: TestDatabase
  let shared: MemoryBus
  let a: TestServer
  let b: TestServer
  let owner: SeededAccount
  let onSet: ChannelRow
  let crewOnly: ChannelRow
  const clock = { t: Date.UTC(2030, 0, 1), now: () => clock.t }
  const sockets: StreamClient[] = []
  const readers: SseReader[] = []

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    shared = new MemoryBus()
    const env = { BACKLOT_STREAM_HEARTBEAT_SECONDS: '1' }
    a = await startTestServer(kind, { database, env, overrides: { bus: shared, clock } })
    b = await startTestServer(kind, { database, env, overrides: { bus: shared, clock } })
    owner = await seedAccount(a.ctx, 'owner')
    onSet = await seedChannel(a.ctx, owner.account, { slug: 'on-set' })
    crewOnly = await seedChannel(a.ctx, owner.account, { slug: 'crew-only', visibility: 'private' })
  })

  afterEach(async () => {
    for (const reader of readers.splice(0)) reader.close()
    await Promise.all(sockets.splice(0).map((socket) => socket.close()))
  })

  afterAll(async () => {
    await b?.destroy()
    await a?.destroy()
    await shared?.close()
    await database?.drop()
  })

  /** A fan who is a member of crew-only, logged in `sessions` times (phone, laptop, …). */
  async function fan(handle: string, sessions = 1): Promise<{ cookies: string[] }> {
    const account = await a.ctx.accounts.createAccount({ handle, displayName: handle, password: PASSWORD })
    await seedMember(a.ctx, crewOnly, account, null)
    const cookies: string[] = []
    for (let i = 0; i < sessions; i++) {
      cookies.push(
        sessionCookie(await client(a.url).post('/api/v1/sessions', { handle, password: PASSWORD })),
      )
    }
    return { cookies }
  }

  async function mintToken(cookie: string): Promise<{ id: string; token: string }> {
    const res = await client(a.url, { cookie }).post('/api/v1/tokens', { name: 'bot', scopes: ['read'] })
    expect(res.status).toBe(201)
    return res.body
  }

  async function ws(node: TestServer, options: StreamClientOptions, ...channels: string[]) {
    const socket = await StreamClient.open(node.url, options)
    sockets.push(socket)
    for (const channel of channels) expect((await socket.subscribeAndWait(channel)).type).toBe('subscribed')
    return socket
  }

  async function sse(node: TestServer, slug: string, headers: Record<string, string> = {}) {
    const reader = await SseReader.open(`${node.url}/api/v1/channels/${slug}/events`, headers)
    readers.push(reader)
    expect(reader.status).toBe(200)
    await reader.waitFor((m) => m.event === 'subscribed')
    return reader
  }

  /** The `stream-error` event an SSE stream ends with, parsed. */
  async function sseEnding(reader: SseReader): Promise<Record<string, unknown>> {
    const message: SseMessage = await reader.waitFor((m) => m.event === 'stream-error')
    await reader.waitForEnd()
    return JSON.parse(message.data!) as Record<string, unknown>
  }

  /** Publishes one event in `channel` and waits until every stream given has it: they are open and live. */
  async function stillLive(channel: ChannelRow, socketsLeft: StreamClient[], readersLeft: SseReader[] = []) {
    const event = await seedPostEvent(a.ctx, channel)
    for (const socket of socketsLeft) {
      await socket.waitFor((f) => f.type === 'event' && f.channel === channel.slug && f.seq === event.seq)
    }
    for (const reader of readersLeft) await reader.waitFor((m) => sseSeq(m) === event.seq)
  }

  async function settle(...nodes: TestServer[]): Promise<void> {
    for (const node of nodes) await node.ctx.hub.checkCredentials()
  }

  it('logout closes that session’s WebSocket with 4401 and ends its SSE; other sessions and anonymous streams go on', async () => {
    const {
      cookies: [phone, laptop],
    } = await fan('two_devices', 2)
    const phoneWs = await ws(a, { cookie: phone! }, 'crew-only', 'on-set')
    const laptopWs = await ws(a, { cookie: laptop! }, 'crew-only')
    const anonymousWs = await ws(a, {}, 'on-set')
    const phoneSse = await sse(a, 'crew-only', { cookie: phone! })
    const anonymousSse = await sse(a, 'on-set')
    await settle(a)
    expect(a.ctx.hub.stats().credentials).toBe(2)

    expect((await client(a.url, { cookie: phone! }).delete('/api/v1/sessions/current')).status).toBe(204)

    expect(await phoneWs.closed).toEqual({ code: 4401, reason: 'credentials revoked' })
    expect(await sseEnding(phoneSse)).toMatchObject({ type: 'error', code: 'unauthenticated', status: 401 })
    await stillLive(crewOnly, [laptopWs])
    await stillLive(onSet, [anonymousWs], [anonymousSse])
    expect(a.ctx.hub.stats().credentials).toBe(1)
  })

  it('a logged-out cookie opens nothing new: an anonymous socket at most, refused the private channel', async () => {
    const {
      cookies: [cookie],
    } = await fan('gone_fan')
    await ws(a, { cookie: cookie! }, 'crew-only')
    expect((await client(a.url, { cookie: cookie! }).delete('/api/v1/sessions/current')).status).toBe(204)

    const again = await StreamClient.open(a.url, { cookie: cookie! })
    sockets.push(again)
    expect(await again.subscribeAndWait('crew-only')).toMatchObject({
      type: 'error',
      code: 'channel-not-found',
    })
    const refused = await fetch(`${a.url}/api/v1/channels/crew-only/events`, { headers: { cookie: cookie! } })
    expect(refused.status).toBe(404)
    expect(a.ctx.hub.stats().credentials).toBe(0)
  })

  it('revoking an API token closes its WebSocket and ends its SSE; the token opens no new stream', async () => {
    const {
      cookies: [cookie],
    } = await fan('bot_owner')
    const { id, token } = await mintToken(cookie!)
    const botWs = await ws(a, { token }, 'crew-only')
    const botSse = await sse(a, 'crew-only', { authorization: `Bearer ${token}` })
    const ownerWs = await ws(a, { cookie: cookie! }, 'crew-only') // the session that revokes it
    await settle(a)

    expect((await client(a.url, { cookie: cookie! }).delete(`/api/v1/tokens/${id}`)).status).toBe(204)

    expect(await botWs.closed).toEqual({ code: 4401, reason: 'credentials revoked' })
    expect(await sseEnding(botSse)).toMatchObject({ code: 'unauthenticated' })
    await stillLive(crewOnly, [ownerWs])

    await expect(StreamClient.open(a.url, { token })).rejects.toMatchObject({ status: 401 })
    const refused = await fetch(`${a.url}/api/v1/channels/crew-only/events`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(refused.status).toBe(401)
  })

  it('a logout or revocation on one node closes the streams held by another, through the bus', async () => {
    const {
      cookies: [phone, laptop],
    } = await fan('roaming_fan', 2)
    const { id, token } = await mintToken(laptop!)
    const phoneWs = await ws(b, { cookie: phone! }, 'crew-only')
    const phoneSse = await sse(b, 'crew-only', { cookie: phone! })
    const botWs = await ws(b, { token }, 'on-set')
    const laptopWs = await ws(b, { cookie: laptop! }, 'crew-only')
    const anonymousWs = await ws(b, {}, 'on-set')
    await settle(b)

    expect((await client(a.url, { cookie: phone! }).delete('/api/v1/sessions/current')).status).toBe(204)
    expect(await phoneWs.closed).toEqual({ code: 4401, reason: 'credentials revoked' })
    expect(await sseEnding(phoneSse)).toMatchObject({ code: 'unauthenticated' })

    expect((await client(a.url, { cookie: laptop! }).delete(`/api/v1/tokens/${id}`)).status).toBe(204)
    expect(await botWs.closed).toEqual({ code: 4401, reason: 'credentials revoked' })

    await stillLive(crewOnly, [laptopWs])
    await stillLive(onSet, [anonymousWs])
    expect(b.ctx.hub.stats().credentials).toBe(1)
  })

  it('a profile change (an account-wide cache refresh) leaves the account’s streams open', async () => {
    const {
      cookies: [cookie],
    } = await fan('renamed_fan')
    const socket = await ws(b, { cookie: cookie! }, 'crew-only')
    await settle(b)
    const renamed = await client(a.url, { cookie: cookie! }).patch('/api/v1/me', { displayName: 'New name' })
    expect(renamed.status).toBe(200)
    await stillLive(crewOnly, [socket])
  })

  // Last: it moves the shared clock past every session's expiry.
  it('a session that expires closes its stream with 4401 "session expired"; one kept in use stays', async () => {
    const {
      cookies: [idle],
    } = await fan('idle_fan')
    const {
      cookies: [busy],
    } = await fan('busy_fan')
    const idleWs = await ws(a, { cookie: idle! }, 'on-set')
    const idleSse = await sse(a, 'crew-only', { cookie: idle! })
    const busyWs = await ws(a, { cookie: busy! }, 'on-set')
    await settle(a)

    // Just before both expire, the busy fan makes a request (which slides its session forward);
    // the idle fan's open stream does not count as use.
    clock.t += a.ctx.config.sessionTtlMs - 10_000
    expect((await client(a.url, { cookie: busy! }).get('/api/v1/me')).status).toBe(200)
    clock.t += 20_000

    // Closed by the heartbeat's re-check, which is due at the session's expiry.
    expect(await idleWs.closed).toEqual({ code: 4401, reason: 'session expired' })
    expect(await sseEnding(idleSse)).toMatchObject({ code: 'unauthenticated' })
    await settle(a)
    await stillLive(onSet, [busyWs])
    expect((await client(a.url, { cookie: idle! }).get('/api/v1/me')).status).toBe(401)
  })
})
