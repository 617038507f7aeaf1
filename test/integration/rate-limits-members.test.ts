import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { type PushService, startPushService } from '../_util/push-service.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'
import { pushTestEnv } from './push.fixture.js'
import { clientAt, countRows, expectRateLimited, startLimitedServer } from './rate-limits.fixture.js'

/** Issue 14, item 5: invites (made and redeemed), uploads and push subscriptions stop at their limits. */
describe.each(testDatabases)('rate limits on invites, uploads and push (%s)', (kind) => {
  let server: TestServer
  let push: PushService

  beforeAll(async () => {
    push = await startPushService()
    server = await startLimitedServer(kind, {
      ...pushTestEnv,
      BACKLOT_RATE_LIMIT_INVITES: '2/1d',
      BACKLOT_RATE_LIMIT_MEMBERSHIP: '2/10m',
      BACKLOT_RATE_LIMIT_PUSH_SUBSCRIPTIONS: '2/1h',
      BACKLOT_MEDIA_UPLOAD_LIMIT: '2',
      BACKLOT_RATE_LIMIT_ADDRESS_FACTOR: '2',
    })
  })
  afterAll(async () => {
    await server?.destroy()
    await push?.close()
  })

  it('stops invite links per account and invite redemption per account; refused ones change nothing', async () => {
    const owner = await seedAccount(server.ctx, 'inviter')
    const channel = await seedChannel(server.ctx, owner.account, {
      slug: 'closed-set',
      visibility: 'private',
    })
    const staff = clientAt(server, '203.0.113.30', owner.token)
    const invite = () => staff.post(`/api/v1/channels/${channel.slug}/invites`, {})
    const first = await invite()
    expect(first.status).toBe(201)
    expect((await invite()).status).toBe(201)
    const invites = await countRows(server, 'channel_invite')
    expectRateLimited(await invite(), /^Too many invite links: at most 2 per day\./)
    expect(await countRows(server, 'channel_invite')).toBe(invites)

    // A fan trying tokens: two membership changes, then 429 even with the right token.
    const fan = await seedAccount(server.ctx, 'guesser')
    const api = clientAt(server, '203.0.113.31', fan.token)
    const join = (token: string) => api.post(`/api/v1/channels/${channel.slug}/members`, { invite: token })
    expect((await join('wrong-1')).status).toBe(404)
    expect((await join('wrong-2')).status).toBe(404)
    expectRateLimited(
      await join(first.body.token),
      /^Too many membership changes: at most 2 per 10 minutes\./,
    )
    const members = await server.ctx.db
      .selectFrom('channel_member')
      .selectAll()
      .where('account_id', '=', fan.account.id)
      .execute()
    expect(members).toEqual([])
  })

  it('stops uploads per account (BACKLOT_MEDIA_UPLOAD_LIMIT) and per address, before reading the file', async () => {
    const owner = await seedAccount(server.ctx, 'photographer')
    const channel = await seedChannel(server.ctx, owner.account, { slug: 'stills' })
    const second = await seedAccount(server.ctx, 'assistant')
    await seedMember(server.ctx, channel, second.account, 'creator')
    const image = await noisyJpeg(8, 8)
    const upload = (token: string, address: string) =>
      uploadImage(server.url, token, image, { headers: { 'x-forwarded-for': address } })

    expect((await upload(owner.token, '203.0.113.40')).status).toBe(201)
    expect((await upload(owner.token, '203.0.113.40')).status).toBe(201)
    const media = await countRows(server, 'media')
    // Not an image: refused for the limit before the file is looked at.
    const junk = await uploadImage(server.url, owner.token, Buffer.from('not an image'), {
      headers: { 'x-forwarded-for': '203.0.113.40' },
    })
    expectRateLimited(junk, /^Too many uploads: at most 2 per 10 minutes\./)
    // The address has had 3 of its 2 × 2: one more from the assistant, then the address is full.
    expect((await upload(second.token, '203.0.113.40')).status).toBe(201)
    expectRateLimited(await upload(second.token, '203.0.113.40'), /^Too many uploads from this address/)
    expect(await countRows(server, 'media')).toBe(media + 1)
    expect((await upload(second.token, '203.0.113.41')).status).toBe(201)
  })

  it('stops push subscription changes per account', async () => {
    const fan = await seedAccount(server.ctx, 'phones')
    const api = clientAt(server, '203.0.113.50', fan.token)
    const subscribe = (name: string) => {
      const { id: _id, ...device } = push.device(name)
      return api.post('/api/v1/push/subscriptions', { ...device, expirationTime: null })
    }
    expect((await subscribe('phone')).status).toBe(201)
    expect((await subscribe('tablet')).status).toBe(201)
    expectRateLimited(await subscribe('laptop'), /^Too many push subscription changes: at most 2 per hour\./)
    expect(await countRows(server, 'push_subscription')).toBe(2)
  })
})
