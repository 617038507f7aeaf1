import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { createTestDatabase, testDatabases } from '../_util/db.js'
import { type PushService, startPushService } from '../_util/push-service.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { pushTestEnv } from './push.fixture.js'

/** Issue 8: the VAPID key, registering and removing devices, and every refused subscription. */
describe.each(testDatabases)('push subscriptions (%s)', (kind) => {
  let server: TestServer
  let push: PushService
  let fan: ReturnType<typeof client>
  let other: ReturnType<typeof client>

  beforeAll(async () => {
    push = await startPushService()
    server = await startTestServer(kind, { env: pushTestEnv })
    fan = client(server.url, { token: (await seedAccount(server.ctx, 'fan')).token })
    other = client(server.url, { token: (await seedAccount(server.ctx, 'other')).token })
  })
  afterAll(async () => {
    await server?.destroy()
    await push?.close()
  })

  const count = async () =>
    Number(
      (
        await server.ctx.db
          .selectFrom('push_subscription')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('serves a VAPID public key that stays the same across restarts', async () => {
    const anonymous = client(server.url)
    const first = await anonymous.get('/api/v1/push/vapid-public-key')
    expect(first.status).toBe(200)
    const key = Buffer.from(first.body.publicKey, 'base64url')
    expect(key.length).toBe(65)
    expect(key[0]).toBe(4)

    const database = await createTestDatabase(kind)
    const a = await startTestServer(kind, { database, env: pushTestEnv })
    const keyA = (await client(a.url).get('/api/v1/push/vapid-public-key')).body.publicKey
    await a.close()
    const b = await startTestServer(kind, { database, env: pushTestEnv })
    const keyB = (await client(b.url).get('/api/v1/push/vapid-public-key')).body.publicKey
    await b.close()
    await database.drop()
    expect(keyB).toBe(keyA)
  })

  it('uses the configured VAPID key pair when one is given', async () => {
    const pair = {
      BACKLOT_PUSH_VAPID_PUBLIC_KEY:
        'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
      BACKLOT_PUSH_VAPID_PRIVATE_KEY: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
    }
    const configured = await startTestServer(kind, { env: { ...pushTestEnv, ...pair } })
    try {
      const res = await client(configured.url).get('/api/v1/push/vapid-public-key')
      expect(res.body.publicKey).toBe(pair.BACKLOT_PUSH_VAPID_PUBLIC_KEY)
    } finally {
      await configured.destroy()
    }
  })

  it('registers a device once per endpoint, lists it to its owner only, and removes it', async () => {
    const device = push.device('phone-1')
    const body = { ...device, id: undefined, expirationTime: null, label: 'Pixel — Chrome' }
    delete body.id
    const created = await fan.post('/api/v1/push/subscriptions', body)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      endpoint: device.endpoint,
      label: 'Pixel — Chrome',
      expiresAt: null,
    })
    expect(created.body).not.toHaveProperty('keys')

    const again = await fan.post('/api/v1/push/subscriptions', { ...body, label: 'My phone' })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(created.body.id)
    expect(again.body.label).toBe('My phone')

    const list = await fan.get('/api/v1/push/subscriptions')
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([created.body.id])
    expect((await other.get('/api/v1/push/subscriptions')).body.items).toEqual([])

    const foreign = await other.delete(`/api/v1/push/subscriptions/${created.body.id}`)
    expect(foreign.status).toBe(404)
    expect(foreign.body.code).toBe('push-subscription-not-found')

    expect((await fan.delete(`/api/v1/push/subscriptions/${created.body.id}`)).status).toBe(204)
    const gone = await fan.delete(`/api/v1/push/subscriptions/${created.body.id}`)
    expect(gone.status).toBe(404)
    expect(gone.body.code).toBe('push-subscription-not-found')
    expect(await count()).toBe(0)
  })

  it('moves an endpoint to the account that registers it last, under a new id', async () => {
    const device = push.device('shared-laptop')
    const first = await fan.post('/api/v1/push/subscriptions', {
      endpoint: device.endpoint,
      keys: device.keys,
    })
    const second = await other.post('/api/v1/push/subscriptions', {
      endpoint: device.endpoint,
      keys: device.keys,
    })
    expect(second.status).toBe(201)
    expect(second.body.id).not.toBe(first.body.id)
    expect((await fan.get('/api/v1/push/subscriptions')).body.items).toEqual([])
    expect((await other.get('/api/v1/push/subscriptions')).body.items).toHaveLength(1)
    await other.delete(`/api/v1/push/subscriptions/${second.body.id}`)
  })

  it('needs an account', async () => {
    const device = push.device('anon')
    const res = await client(server.url).post('/api/v1/push/subscriptions', {
      endpoint: device.endpoint,
      keys: device.keys,
    })
    expect(res.status).toBe(401)
    expect(await count()).toBe(0)
  })

  const good = () => push.device('bad-input')
  const badInputs: Array<[string, () => unknown, number, string]> = [
    ['malformed JSON', () => '{"endpoint": "https://push.example/x", "keys": {', 400, 'malformed-json'],
    ['no keys', () => ({ endpoint: good().endpoint }), 422, 'validation'],
    ['an unknown field', () => ({ ...body(good()), extra: 1 }), 422, 'validation'],
    [
      'a non-https endpoint',
      () => body(good(), { endpoint: 'http://push.example.com/x' }),
      422,
      'push-endpoint-invalid',
    ],
    ['a relative endpoint', () => body(good(), { endpoint: '/push/0/x' }), 422, 'push-endpoint-invalid'],
    [
      'an endpoint with credentials',
      () => body(good(), { endpoint: 'https://u:p@8.8.8.8/x' }),
      422,
      'push-endpoint-invalid',
    ],
    [
      'a private-address endpoint',
      () => body(good(), { endpoint: 'https://10.1.2.3/push/x' }),
      422,
      'push-endpoint-private',
    ],
    [
      'a link-local endpoint',
      () => body(good(), { endpoint: 'https://169.254.169.254/latest' }),
      422,
      'push-endpoint-private',
    ],
    [
      'a private IPv6 endpoint',
      () => body(good(), { endpoint: 'https://[fd00::1]/x' }),
      422,
      'push-endpoint-private',
    ],
    [
      'an IPv4-mapped private endpoint',
      () => body(good(), { endpoint: 'https://[::ffff:192.168.0.1]/x' }),
      422,
      'push-endpoint-private',
    ],
    [
      'an oversized endpoint',
      () => body(good(), { endpoint: `https://push.example.com/${'x'.repeat(3000)}` }),
      422,
      'validation',
    ],
    ['an oversized p256dh', () => body(good(), { p256dh: 'B'.repeat(300) }), 422, 'validation'],
    [
      'a p256dh of the wrong length',
      () => body(good(), { p256dh: Buffer.alloc(75, 4).toString('base64url') }),
      422,
      'push-key-invalid',
    ],
    [
      'a p256dh that is not a curve point',
      () => body(good(), { p256dh: Buffer.alloc(65, 4).toString('base64url') }),
      422,
      'push-key-invalid',
    ],
    [
      'an auth secret of 17 bytes',
      () => body(good(), { auth: Buffer.alloc(17, 1).toString('base64url') }),
      422,
      'push-key-invalid',
    ],
    ['an oversized auth secret', () => body(good(), { auth: 'A'.repeat(100) }), 422, 'validation'],
    [
      'keys that are not base64url',
      () => body(good(), { auth: '!!!!!!!!!!!!!!!!!!!!!!' }),
      422,
      'push-key-invalid',
    ],
    ['an expiry in the past', () => ({ ...body(good()), expirationTime: 1000 }), 422, 'validation'],
  ]

  it.each(badInputs)('refuses %s with its problem and stores nothing', async (_name, make, status, code) => {
    const res = await fan.post('/api/v1/push/subscriptions', make())
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(res.body.code).toBe(code)
    expect(await count()).toBe(0)
  })

  it('refuses an endpoint host that is not loopback even with the test setting', async () => {
    const res = await fan.post(
      '/api/v1/push/subscriptions',
      body(good(), { endpoint: 'http://192.168.1.5/push' }),
    )
    expect(res.body.code).toBe('push-endpoint-invalid')
    expect(await count()).toBe(0)
  })
})

function body(
  device: { endpoint: string; keys: { p256dh: string; auth: string } },
  change: { endpoint?: string; p256dh?: string; auth?: string } = {},
) {
  return {
    endpoint: change.endpoint ?? device.endpoint,
    keys: { p256dh: change.p256dh ?? device.keys.p256dh, auth: change.auth ?? device.keys.auth },
  }
}
