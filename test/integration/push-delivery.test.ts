import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { type PushService, startPushService } from '../_util/push-service.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { albumServerEnv, uploadMany } from './albums.fixture.js'
import {
  addFan,
  deliveryStatuses,
  expectNoProtocolErrors,
  type Fan,
  pushTestEnv,
  register,
  seedShow,
  waitForPush,
} from './push.fixture.js'

/**
 * Issue 8 end to end: posts published through the API reach a push service on loopback that
 * verifies VAPID and decrypts every message independently; member settings, silent and spoiler
 * posts, pins, and each kind of push service answer.
 */
describe.each(testDatabases)('push delivery (%s)', (kind) => {
  let server: TestServer
  let push: PushService
  let owner: Client
  let ownerToken: string
  let slug: string
  let vapidKey: string
  const fans = {} as Record<'alice' | 'bob' | 'muted' | 'quiet' | 'pins', Fan>

  beforeAll(async () => {
    push = await startPushService()
    server = await startTestServer(kind, { env: { ...pushTestEnv, ...albumServerEnv } })
    const show = await seedShow(server)
    owner = show.owner
    ownerToken = show.ownerToken
    slug = show.channel.slug
    vapidKey = (await owner.get('/api/v1/push/vapid-public-key')).body.publicKey
    fans.alice = await addFan(server, show.channel, 'alice')
    fans.bob = await addFan(server, show.channel, 'bob')
    fans.muted = await addFan(server, show.channel, 'muted', { muted: true })
    fans.quiet = await addFan(server, show.channel, 'quiet', { notifyLevel: 'none' })
    fans.pins = await addFan(server, show.channel, 'pins', { notifyLevel: 'highlights' })
    await register(fans.alice.api, push.device('alice-phone', 0))
    await register(fans.alice.api, push.device('alice-laptop', 1))
    await register(fans.bob.api, push.device('bob-phone', 2))
    await register(fans.muted.api, push.device('muted-phone', 3))
    await register(fans.quiet.api, push.device('quiet-phone', 0))
    await register(fans.pins.api, push.device('pins-phone', 1))
    await register(owner, push.device('owner-phone', 2))
  })
  afterAll(async () => {
    await server?.destroy()
    await push?.close()
  })
  beforeEach(() => push.reset())

  async function publish(body: Record<string, unknown>): Promise<string> {
    const res = await owner.post(`/api/v1/channels/${slug}/posts`, body)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    await waitForPush(server, res.body.id)
    return res.body.id
  }

  it('sends one encrypted notification per device of each member who wants it', async () => {
    const text = 'Week 14 on set: the last chapter is being shot.  Chapter 8 wraps on Friday!'
    const postId = await publish({ text })
    expectNoProtocolErrors(push)
    for (const device of ['alice-phone', 'alice-laptop', 'bob-phone'])
      expect(push.accepted(device), device).toBe(1)
    // Muted, level none, highlights-only (post not pinned), and the author's own device: nothing.
    for (const device of ['muted-phone', 'quiet-phone', 'pins-phone', 'owner-phone']) {
      expect(push.requests(device), device).toBe(0)
    }
    const [message] = push.messages('bob-phone')
    expect(message!.payload).toEqual({
      title: 'The Show — Set Diary',
      body: 'Week 14 on set: the last chapter is being shot. Chapter 8 wraps on Friday!',
      url: `${server.url}/c/${slug}/p/${postId}`,
      tag: `post:${postId}`,
      postId,
      channel: slug,
      timestamp: expect.any(Number),
    })
    expect(message!.ttl).toBe('86400')
    expect(message!.urgency).toBe('normal')
    expect(message!.topic).toBe(postId)
    expect(message!.vapidKey).toBe(vapidKey)
    expect(await deliveryStatuses(server, postId)).toEqual({ sent: 3 })
    const metrics = await server.ctx.metrics.registry.getSingleMetricAsString(
      'backlot_push_notifications_sent_total',
    )
    expect(metrics).toMatch(/backlot_push_notifications_sent_total \d+/)
  })

  it('sends nothing for a silent post', async () => {
    const postId = await publish({ text: 'Quiet update', silent: true })
    expect(push.acceptedTotal).toBe(0)
    expect(await deliveryStatuses(server, postId)).toEqual({})
  })

  it('shows only the label of a spoiler post', async () => {
    const postId = await publish({
      text: 'The finale twist is…',
      spoiler: true,
      spoilerLabel: 'Chapter 8 ending',
    })
    const [message] = push.messages('alice-phone')
    expect(message!.payload.body).toBe('Spoiler: Chapter 8 ending')
    expect(JSON.stringify(message!.payload)).not.toContain('twist')
    expect(message!.payload).not.toHaveProperty('image')
    expect(message!.topic).toBe(postId)
  })

  it('announces an album by its size with its first image that is not a spoiler', async () => {
    const [hidden, clear] = await uploadMany(server, ownerToken, 2, { alt: 'Set photo' })
    await publish({
      text: 'Night shoot on the pier',
      media: [{ id: hidden!.id, spoiler: true }, { id: clear!.id }],
    })
    const [message] = push.messages('alice-phone')
    expect(message!.payload.body).toBe('New album: 2 photos\nNight shoot on the pier')
    expect(message!.payload.image).toContain(`/media/${clear!.id}/320.`)
    expect(message!.payload.icon).toBe(message!.payload.image)
    expect(JSON.stringify(message!.payload)).not.toContain(hidden!.id)
  })

  it('notifies highlights-only members when a post is pinned, and nobody twice', async () => {
    const postId = await publish({ text: 'Call sheet for the finale' })
    expect(push.requests('pins-phone')).toBe(0)
    push.reset()
    expect((await owner.put(`/api/v1/channels/${slug}/posts/${postId}/pin`)).status).toBe(200)
    await waitForPush(server, postId, 2)
    expectNoProtocolErrors(push)
    expect(push.accepted('pins-phone')).toBe(1)
    expect(push.messages('pins-phone')[0]!.payload.body).toBe('Pinned: Call sheet for the finale')
    for (const device of ['alice-phone', 'bob-phone', 'muted-phone', 'quiet-phone', 'owner-phone']) {
      expect(push.requests(device), device).toBe(0)
    }
  })

  it('replaces a notification still waiting for an offline device when the post is edited', async () => {
    push.goOffline('alice-phone')
    const postId = await publish({ text: 'Tonight: the finale table read' })
    expect(push.accepted('bob-phone')).toBe(1)
    const edited = await owner.patch(`/api/v1/channels/${slug}/posts/${postId}`, {
      text: 'Tomorrow: the finale table read',
    })
    expect(edited.status).toBe(200)
    await waitForPush(server, postId, 2)
    expectNoProtocolErrors(push)
    // Online devices get the edit once, marked as an update (shown quietly under the same tag).
    const [first, update] = push.messages('bob-phone')
    expect(first!.payload.body).toBe('Tonight: the finale table read')
    expect(update!.payload).toMatchObject({
      body: 'Tomorrow: the finale table read',
      update: true,
      tag: `post:${postId}`,
    })
    expect(update!.topic).toBe(postId)
    // The offline phone held both under one Topic: it receives only the edited one.
    const delivered = push.goOnline('alice-phone')
    expect(delivered.map((m) => m.payload.body)).toEqual(['Tomorrow: the finale table read'])
    for (const device of ['muted-phone', 'quiet-phone', 'pins-phone', 'owner-phone']) {
      expect(push.requests(device), device).toBe(0)
    }
    expect(await deliveryStatuses(server, postId)).toEqual({ sent: 3 })
  })

  it('deletes a device the push service answers 410 or 404 for, and keeps sending to the others', async () => {
    const gone = push.device('gone-phone', 3)
    const unknown = push.device('unknown-phone', 2)
    const goneId = await register(fans.bob.api, gone)
    const unknownId = await register(fans.bob.api, unknown)
    push.respond('gone-phone', 410)
    push.respond('unknown-phone', 404)
    await publish({ text: 'Wrap party tonight' })
    expect(push.requests('gone-phone')).toBe(1)
    expect(push.requests('unknown-phone')).toBe(1)
    expect(push.accepted('bob-phone')).toBe(1)
    const ids = (await fans.bob.api.get('/api/v1/push/subscriptions')).body.items.map(
      (s: { id: string }) => s.id,
    )
    expect(ids).not.toContain(goneId)
    expect(ids).not.toContain(unknownId)
  })

  it('retries after 429 (honouring Retry-After) and 500, delivering exactly once', async () => {
    push.respond('alice-phone', { status: 429, retryAfter: '1' })
    push.respond('alice-laptop', 500, 503)
    const startedAt = Date.now()
    const postId = await publish({ text: 'Rain delay on set' })
    expectNoProtocolErrors(push)
    expect(push.requests('alice-phone')).toBe(2)
    expect(push.requests('alice-laptop')).toBe(3)
    for (const device of ['alice-phone', 'alice-laptop', 'bob-phone'])
      expect(push.accepted(device), device).toBe(1)
    const [retried] = push.messages('alice-phone')
    expect(retried!.at - startedAt).toBeGreaterThanOrEqual(1000)
    expect(await deliveryStatuses(server, postId)).toEqual({ sent: 3 })
  })

  it('logs and drops a message answered 400 or 413 without retrying it', async () => {
    push.respond('alice-phone', 400)
    push.respond('alice-laptop', 413)
    const postId = await publish({ text: 'Second unit is shooting the chase' })
    expect(push.requests('alice-phone')).toBe(1)
    expect(push.requests('alice-laptop')).toBe(1)
    expect(push.accepted('bob-phone')).toBe(1)
    expect(await deliveryStatuses(server, postId)).toEqual({ sent: 1, failed: 2 })
    // The devices stay registered: a refused message says nothing about the subscription.
    expect((await fans.alice.api.get('/api/v1/push/subscriptions')).body.items).toHaveLength(2)
  })

  it('gives up on a device after the last retry', async () => {
    push.respond('bob-phone', 500, 500, 500, 500, 500)
    const postId = await publish({ text: 'Night shoot' })
    expect(push.requests('bob-phone')).toBe(4)
    expect(push.accepted('bob-phone')).toBe(0)
    expect(await deliveryStatuses(server, postId)).toEqual({ sent: 2, failed: 1 })
  })
})
