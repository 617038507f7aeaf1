import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelRow } from '../../src/db/schema.js'
import { testDatabases } from '../_util/db.js'
import { seedPostEvent, seedPostEvents } from '../_util/events.js'
import { type SeededAccount, seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { type SseMessage, SseReader } from '../_util/stream.js'

describe.each(testDatabases)('live delivery over Server-Sent Events on %s', (kind) => {
  let server: TestServer
  let owner: SeededAccount
  let member: SeededAccount
  let channel: ChannelRow
  let secret: ChannelRow
  let epoch: string
  const readers: SseReader[] = []

  const openStream = async (slug: string, headers: Record<string, string> = {}, query = '') => {
    const reader = await SseReader.open(`${server.url}/api/v1/channels/${slug}/events${query}`, headers)
    readers.push(reader)
    return reader
  }
  const events = (reader: SseReader) => reader.messages.filter((m) => m.event === 'post.published')
  const waitForEvents = async (reader: SseReader, n: number) => {
    await reader.waitFor(() => events(reader).length >= n)
    return events(reader)
  }
  const ids = (messages: SseMessage[]) => messages.map((m) => m.id)

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { BACKLOT_STREAM_HEARTBEAT_SECONDS: '1', BACKLOT_STREAM_REPLAY_LIMIT: '20' },
    })
    epoch = server.ctx.eventLog.epoch
    owner = await seedAccount(server.ctx, 'owner')
    member = await seedAccount(server.ctx, 'member')
    channel = await seedChannel(server.ctx, owner.account, { slug: 'on-set' })
    secret = await seedChannel(server.ctx, owner.account, { slug: 'crew-only', visibility: 'private' })
    await seedMember(server.ctx, secret, member.account, null)
  })

  afterAll(async () => {
    for (const reader of readers) reader.close()
    await server.destroy()
  })

  it('streams events with id <epoch>:<seq>:<eventId>, the event type and the event as data', async () => {
    const reader = await openStream('on-set')
    expect(reader.status).toBe(200)
    const subscribed = await reader.waitFor((m) => m.event === 'subscribed')
    expect(subscribed.id).toBe(`${epoch}:0`)
    expect(JSON.parse(subscribed.data!)).toEqual({
      type: 'subscribed',
      channel: 'on-set',
      position: { epoch, seq: 0 },
    })

    const published = await seedPostEvents(server.ctx, channel, 3)
    const received = await waitForEvents(reader, 3)
    expect(ids(received)).toEqual(published.map((e) => `${epoch}:${e.seq}:${e.id}`))
    expect(JSON.parse(received[0]!.data!)).toEqual({
      id: published[0]!.id,
      type: 'post.published',
      at: published[0]!.at,
      data: { text: 'post 0' },
    })
  })

  it('resumes after Last-Event-ID (or ?since) with exactly the missed events', async () => {
    const head = (await seedPostEvent(server.ctx, channel)).seq
    const missed = await seedPostEvents(server.ctx, channel, 4)
    const byHeader = await openStream('on-set', { 'last-event-id': `${epoch}:${head}` })
    const byQuery = await openStream('on-set', {}, `?since=${head}`)
    for (const reader of [byHeader, byQuery]) {
      expect(ids(await waitForEvents(reader, 4))).toEqual(missed.map((e) => `${epoch}:${e.seq}:${e.id}`))
      const subscribed = await reader.waitFor((m) => m.event === 'subscribed')
      expect(subscribed.id).toBe(`${epoch}:${missed.at(-1)!.seq}:${missed.at(-1)!.id}`)
    }
    const live = await seedPostEvent(server.ctx, channel)
    expect(ids(await waitForEvents(byHeader, 5)).at(-1)).toBe(`${epoch}:${live.seq}:${live.id}`)
  })

  it('sends reset for a foreign epoch, with an id so EventSource resumes from the current position', async () => {
    const reader = await openStream('on-set', { 'last-event-id': 'old-history:3' })
    const reset = await reader.waitFor((m) => m.event === 'reset')
    const head = JSON.parse(reset.data!).position.seq
    expect(JSON.parse(reset.data!)).toEqual({
      type: 'reset',
      channel: 'on-set',
      reason: 'epoch-changed',
      position: { epoch, seq: head },
    })
    expect(reset.id).toBe(`${epoch}:${head}`)
  })

  it('refuses before streaming: private channel for outsiders, malformed positions', async () => {
    const outsider = await fetch(`${server.url}/api/v1/channels/crew-only/events`)
    expect(outsider.status).toBe(404)
    expect(await outsider.json()).toMatchObject({ code: 'channel-not-found' })
    const bad = await fetch(`${server.url}/api/v1/channels/on-set/events`, {
      headers: { 'last-event-id': 'nope' },
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'invalid-stream-position' })

    const reader = await openStream('crew-only', { authorization: `Bearer ${member.token}` })
    expect(reader.status).toBe(200)
    await reader.waitFor((m) => m.event === 'subscribed')
  })

  it('sends heartbeat comments', async () => {
    const reader = await openStream('on-set')
    expect(await reader.waitFor((m) => m.comment === 'heartbeat')).toEqual({ comment: 'heartbeat' })
  })

  it('ends the stream with `unsubscribed` when the member is banned', async () => {
    const banned = await seedAccount(server.ctx, 'banned')
    await seedMember(server.ctx, secret, banned.account, null)
    const reader = await openStream('crew-only', { authorization: `Bearer ${banned.token}` })
    await reader.waitFor((m) => m.event === 'subscribed')
    await server.ctx.eventLog.publishAccessChange({
      channelId: secret.id,
      accountId: banned.account.id,
      reason: 'banned',
    })
    const ended = await reader.waitFor((m) => m.event === 'unsubscribed')
    expect(JSON.parse(ended.data!)).toEqual({ type: 'unsubscribed', channel: 'crew-only', reason: 'banned' })
    await reader.waitForEnd()
  })
})
