import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelRow } from '../../src/db/schema.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { publishPosts, seedPostEvent, seedPostEvents } from '../_util/events.js'
import { type SeededAccount, seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { type Frame, rawWebSocket, StreamClient, seedSessionCookie } from '../_util/stream.js'

/** Checks `events` are exactly `expected` (seq and id), in order: no gap, no duplicate. */
function expectExactly(events: Frame[], expected: { seq: number; id: string }[]) {
  expect(events.map((e) => [e.seq, e.event.id])).toEqual(expected.map((e) => [e.seq, e.id]))
}

describe.each(testDatabases)('live delivery over WebSocket on %s', (kind) => {
  let server: TestServer
  let owner: SeededAccount
  let fan: SeededAccount
  let outsider: SeededAccount
  let open: ChannelRow
  let secret: ChannelRow
  let epoch: string
  const sockets: StreamClient[] = []

  const connect = async (options: Parameters<typeof StreamClient.open>[1] = {}) => {
    const socket = await StreamClient.open(server.url, options)
    sockets.push(socket)
    return socket
  }

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { BACKLOT_STREAM_REPLAY_LIMIT: '60', BACKLOT_STREAM_HEARTBEAT_SECONDS: '1' },
    })
    const ctx = server.ctx
    epoch = ctx.eventLog.epoch
    owner = await seedAccount(ctx, 'owner')
    fan = await seedAccount(ctx, 'fan')
    outsider = await seedAccount(ctx, 'outsider')
    open = await seedChannel(ctx, owner.account, { slug: 'on-set' })
    secret = await seedChannel(ctx, owner.account, { slug: 'crew-only', visibility: 'private' })
    await seedMember(ctx, secret, fan.account, null)
  })

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()))
    await server.destroy()
  })

  it('delivers 100 posts published through the API to 200 subscribers, each exactly once and in order', async () => {
    await seedChannel(server.ctx, owner.account, { slug: 'fanout' })
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect()))
    const acks = await Promise.all(clients.map((c) => c.subscribeAndWait('fanout')))
    for (const ack of acks) expect(ack).toMatchObject({ type: 'subscribed', position: { epoch, seq: 0 } })

    const postIds = await publishPosts(server.url, owner.token, 'fanout', 100)
    for (const c of clients) {
      const received = await c.waitForEvents('fanout', 100)
      expect(received.map((f) => f.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
      expect(received.map((f) => f.event.data.id)).toEqual(postIds)
      expect(new Set(received.map((f) => f.event.id)).size).toBe(100)
      expect(received.every((f) => f.event.type === 'post.published')).toBe(true)
    }

    await Promise.all(clients.map((c) => c.close()))
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/backlot_frames_written_total \d{5}/)
    expect(metrics).toMatch(/backlot_socket_writes_total \d+/)
  })

  it('event frames carry the channel, position and the event', async () => {
    const socket = await connect()
    await socket.subscribeAndWait('on-set')
    const event = await seedPostEvent(server.ctx, open, { text: 'Chapter 8, day 1' })
    const [frame] = await socket.waitForEvents('on-set', 1)
    expect(frame).toEqual({
      type: 'event',
      channel: 'on-set',
      epoch,
      seq: event.seq,
      event: { id: event.id, type: 'post.published', at: event.at, data: { text: 'Chapter 8, day 1' } },
    })
  })

  it('resumes with since: exactly the missed events, then `subscribed`, then live ones', async () => {
    await seedChannel(server.ctx, owner.account, { slug: 'resume' })
    const publish = (n: number) => publishPosts(server.url, owner.token, 'resume', n)
    const first = await connect()
    await first.subscribeAndWait('resume')
    const before = await publish(10)
    const seen = await first.waitForEvents('resume', 10)
    expect(seen.map((f) => f.event.data.id)).toEqual(before)
    await first.close()

    const missed = await publish(50)
    const second = await connect()
    const last = seen.at(-1)!
    const ack = await second.subscribeAndWait('resume', { epoch: last.epoch, seq: last.seq })
    const live = await publish(5)
    const received = await second.waitForEvents('resume', 55)
    expect(ack.position).toEqual({ epoch, seq: 60, id: received[49]!.event.id })
    expect(received.map((f) => f.seq)).toEqual(Array.from({ length: 55 }, (_, i) => 11 + i))
    expect(received.map((f) => f.event.data.id)).toEqual([...missed, ...live])
    // The replay came before the acknowledgement, live events after it.
    const order = second.frames.filter((f) => f.channel === 'resume').map((f) => f.type)
    expect(order.indexOf('subscribed')).toBe(50)
    expect(second.frames.some((f) => f.type === 'reset')).toBe(false)
  })

  it('resets a position older than the replay limit, then continues live', async () => {
    const channel = await seedChannel(server.ctx, owner.account, { slug: 'long-gap' })
    await seedPostEvents(server.ctx, channel, 61)
    const socket = await connect()
    const ack = await socket.subscribeAndWait('long-gap', { epoch, seq: 0 })
    expect(socket.frames.find((f) => f.type === 'reset')).toEqual({
      type: 'reset',
      channel: 'long-gap',
      reason: 'gap-too-large',
      position: { epoch, seq: 61 },
    })
    expect(ack.position).toEqual({ epoch, seq: 61 })
    expect(socket.events('long-gap')).toEqual([])
    const next = await seedPostEvent(server.ctx, channel)
    expectExactly(await socket.waitForEvents('long-gap', 1), [next])
  })

  it('resets a position from another epoch or from the future', async () => {
    const socket = await connect()
    await socket.subscribeAndWait('on-set', { epoch: 'other-history', seq: 1 })
    expect(socket.frames.find((f) => f.type === 'reset')).toMatchObject({
      channel: 'on-set',
      reason: 'epoch-changed',
      position: { epoch },
    })
    const head = (
      await server.ctx.db
        .selectFrom('channel')
        .select('last_seq')
        .where('id', '=', open.id)
        .executeTakeFirstOrThrow()
    ).last_seq
    const other = await connect()
    await other.subscribeAndWait('on-set', { epoch, seq: head + 5 })
    expect(other.frames.find((f) => f.type === 'reset')).toEqual({
      type: 'reset',
      channel: 'on-set',
      reason: 'future-position',
      position: { epoch, seq: head },
    })
  })

  it('follows several channels on one socket and unsubscribes on request', async () => {
    const socket = await connect({ token: fan.token })
    expect(await socket.subscribeAndWait('on-set')).toMatchObject({ type: 'subscribed' })
    expect(await socket.subscribeAndWait('crew-only')).toMatchObject({ type: 'subscribed' })
    const dup = await socket.subscribeAndWait('crew-only')
    expect(dup).toMatchObject({ type: 'error', code: 'already-subscribed', channel: 'crew-only' })

    const a = await seedPostEvent(server.ctx, open)
    const b = await seedPostEvent(server.ctx, secret)
    expectExactly(await socket.waitForEvents('on-set', 1), [a])
    expectExactly(await socket.waitForEvents('crew-only', 1), [b])

    const from = socket.frames.length
    socket.send({ op: 'unsubscribe', channel: 'on-set' })
    expect(await socket.waitFor((f) => f.type === 'unsubscribed', from)).toEqual({
      type: 'unsubscribed',
      channel: 'on-set',
      reason: 'requested',
    })
    await seedPostEvent(server.ctx, open)
    const c = await seedPostEvent(server.ctx, secret)
    expectExactly(await socket.waitForEvents('crew-only', 2), [b, c])
    expect(socket.events('on-set')).toHaveLength(1)
  })

  it('hides a private channel from outsiders and anonymous sockets like a missing one', async () => {
    const stranger = await connect({ token: outsider.token })
    const anonymous = await connect()
    for (const socket of [stranger, anonymous]) {
      const refused = await socket.subscribeAndWait('crew-only')
      const missing = await socket.subscribeAndWait('no-such-channel')
      expect(refused).toMatchObject({
        type: 'error',
        code: 'channel-not-found',
        status: 404,
        channel: 'crew-only',
      })
      expect(missing).toMatchObject({ type: 'error', code: 'channel-not-found', status: 404 })
      expect(Object.keys(refused).sort()).toEqual(Object.keys(missing).sort())
    }
    // The socket is still usable: anonymous may follow a public channel.
    expect(await anonymous.subscribeAndWait('on-set')).toMatchObject({ type: 'subscribed' })
    await seedPostEvent(server.ctx, secret)
    await seedPostEvent(server.ctx, open)
    await anonymous.waitForEvents('on-set', 1)
    expect(anonymous.events('crew-only')).toEqual([])
  })

  it('ends a banned member’s subscription with `unsubscribed`; the socket keeps its other channels', async () => {
    const ctx = server.ctx
    const member = await seedAccount(ctx, 'soon-banned')
    await seedMember(ctx, secret, member.account, null)
    const socket = await connect({ token: member.token })
    await socket.subscribeAndWait('crew-only')
    await socket.subscribeAndWait('on-set')
    const colleague = await connect({ token: fan.token })
    await colleague.subscribeAndWait('crew-only')

    // Through the bans API, which publishes the access change after its transaction commits.
    const admin = client(server.url, { token: owner.token })
    const ban = await admin.put('/api/v1/channels/crew-only/bans/soon-banned', {
      reason: 'leaked call sheet',
    })
    expect(ban.status).toBe(200)

    expect(await socket.waitFor((f) => f.type === 'unsubscribed')).toEqual({
      type: 'unsubscribed',
      channel: 'crew-only',
      reason: 'banned',
    })
    const hidden = await seedPostEvent(ctx, secret)
    const visible = await seedPostEvent(ctx, open)
    await socket.waitFor((f) => f.type === 'event' && f.event.id === visible.id)
    expect(socket.events().some((f) => f.event.id === hidden.id)).toBe(false)
    expect(await socket.subscribeAndWait('crew-only')).toMatchObject({ type: 'error', code: 'banned' })
    // Other members' subscriptions to the channel are not affected.
    await colleague.waitFor((f) => f.type === 'event' && f.event.id === hidden.id)
    expect(colleague.frames.some((f) => f.type === 'unsubscribed')).toBe(false)
  })

  it('ends anonymous and outsider streams when the channel is made private; members keep theirs', async () => {
    const ctx = server.ctx
    const turning = await seedChannel(ctx, owner.account, { slug: 'going-dark' })
    await seedMember(ctx, turning, fan.account, null)
    const anonymous = await connect()
    const stranger = await connect({ token: outsider.token })
    const member = await connect({ token: fan.token })
    for (const socket of [anonymous, stranger, member]) await socket.subscribeAndWait('going-dark')

    const admin = client(server.url, { token: owner.token })
    expect((await admin.patch('/api/v1/channels/going-dark', { visibility: 'private' })).status).toBe(200)

    for (const socket of [anonymous, stranger]) {
      expect(await socket.waitFor((f) => f.type === 'unsubscribed')).toEqual({
        type: 'unsubscribed',
        channel: 'going-dark',
        reason: 'channel-private',
      })
    }
    const after = await seedPostEvent(ctx, turning)
    await member.waitFor((f) => f.type === 'event' && f.event.id === after.id)
    expect(member.frames.some((f) => f.type === 'unsubscribed')).toBe(false)
    for (const socket of [anonymous, stranger]) {
      expect(socket.events().some((f) => f.event.id === after.id)).toBe(false)
    }
  })

  it('answers bad messages with error frames and keeps the socket open', async () => {
    const socket = await connect()
    socket.send('not json')
    socket.send({ op: 'dance' })
    socket.send({ op: 'subscribe', channel: 'on-set', since: { seq: 'x' } })
    socket.send({ op: 'subscribe', channel: 'on-set', extra: 1 })
    await socket.waitUntil(() => socket.frames.filter((f) => f.type === 'error').length === 4)
    const errors = socket.frames.filter((f) => f.type === 'error')
    expect(errors.map((e) => e.code)).toEqual(Array(4).fill('stream-bad-message'))
    expect(errors[2]?.channel).toBe('on-set')
    expect(await socket.subscribeAndWait('on-set')).toMatchObject({ type: 'subscribed' })
  })

  it('closes a socket that floods garbage with 4400', async () => {
    const socket = await connect()
    for (let i = 0; i < 30; i++) socket.send('garbage')
    expect(await socket.closed).toEqual({ code: 4400, reason: 'bad message' })
  })

  it('sends heartbeat frames', async () => {
    const socket = await connect()
    expect(await socket.waitFor((f) => f.type === 'heartbeat')).toEqual({ type: 'heartbeat' })
  })

  it('pings with each heartbeat and keeps a peer that answers', async () => {
    const socket = await connect()
    let pings = 0
    socket.ws.on('ping', () => pings++)
    // `ws` answers pings itself; three heartbeats later the socket is still open and was pinged each time.
    await socket.waitUntil(() => socket.frames.filter((f) => f.type === 'heartbeat').length >= 3)
    await socket.waitUntil(() => pings >= 3)
    expect(await socket.subscribeAndWait('on-set')).toMatchObject({ type: 'subscribed' })
  })

  it('cuts off a peer that never answers the heartbeat ping', async () => {
    const { socket, rest } = await rawWebSocket(server.url)
    const received: Buffer[] = [rest]
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    await new Promise((resolve) => socket.once('close', resolve))
    // The heartbeat text frame and an empty ping (0x89 0x00) came in one piece before the cut.
    const heartbeat = Buffer.from('{"type":"heartbeat"}')
    const expected = Buffer.concat([Buffer.from([0x81, heartbeat.length]), heartbeat, Buffer.from([0x89, 0])])
    expect(Buffer.concat(received).includes(expected)).toBe(true)
  })

  it('cuts a socket that sends a message over 64 KB and keeps serving the others', async () => {
    const big = await connect()
    big.send('x'.repeat(70_000))
    await big.closed
    const other = await connect()
    expect(await other.subscribeAndWait('on-set')).toMatchObject({ type: 'subscribed' })
    await seedPostEvent(server.ctx, open)
    expect(await other.waitFor((f) => f.type === 'event')).toMatchObject({ channel: 'on-set' })
  })

  it('refuses a session cookie from a foreign Origin before the upgrade', async () => {
    const cookie = await seedSessionCookie(server.ctx, fan.account)
    const refused = await StreamClient.open(server.url, { cookie, origin: 'https://evil.example' }).catch(
      (e) => e,
    )
    expect(refused.status).toBe(403)
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'csrf-rejected', status: 403 })

    const sameOrigin = await connect({ cookie, origin: server.ctx.config.publicUrl.origin })
    expect(await sameOrigin.subscribeAndWait('crew-only')).toMatchObject({ type: 'subscribed' })
    // Without credentials a foreign page (an embed) may still follow public channels.
    const embed = await connect({ origin: 'https://news.example' })
    expect(await embed.subscribeAndWait('on-set')).toMatchObject({ type: 'subscribed' })
  })

  it('refuses an unknown token before the upgrade, and a plain GET with 426', async () => {
    const refused = await StreamClient.open(server.url, { token: 'blt_nope' }).catch((e) => e)
    expect(refused.status).toBe(401)
    const plain = await client(server.url).get('/api/v1/stream')
    expect(plain.status).toBe(426)
    expect(plain.body).toMatchObject({ code: 'upgrade-required' })
  })
})
