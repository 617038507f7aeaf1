import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { type PushService, startPushService, type TestDevice } from '../_util/push-service.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { albumServerEnv, uploadMany } from './albums.fixture.js'
import {
  addFan,
  expectNoProtocolErrors,
  pushTestEnv,
  register,
  seedShow,
  waitForPush,
} from './push.fixture.js'

/**
 * Issue 16 point 4 for notifications: each device gets the notification in its person's language
 * — their setting, else the language its browser asked for when it subscribed (a push service
 * carries no Accept-Language), else English — with plurals of that language.
 */
describe.each(testDatabases)('notifications in the person’s language (%s)', (kind) => {
  let server: TestServer
  let push: PushService
  let publish: (body: Record<string, unknown>) => Promise<string>
  let ownerToken: string

  beforeAll(async () => {
    push = await startPushService()
    server = await startTestServer(kind, { env: { ...pushTestEnv, ...albumServerEnv } })
    const show = await seedShow(server)
    ownerToken = show.ownerToken
    // ana chose Spanish in her settings; her browser is English.
    const ana = await addFan(server, show.channel, 'ana')
    expect((await ana.api.patch('/api/v1/me', { language: 'es' })).status).toBe(200)
    await register(ana.api, push.device('ana-phone', 0))
    // beto has no setting; his phone's browser asks for Spanish.
    const beto = await addFan(server, show.channel, 'beto')
    await registerFrom(beto.api, push.device('beto-phone', 1), 'es-419,es;q=0.9')
    // cleo's browser asks for Spanish but she chose English.
    const cleo = await addFan(server, show.channel, 'cleo')
    expect((await cleo.api.patch('/api/v1/me', { language: 'en' })).status).toBe(200)
    await registerFrom(cleo.api, push.device('cleo-phone', 2), 'es')
    // dan: nothing chosen anywhere.
    const dan = await addFan(server, show.channel, 'dan')
    await register(dan.api, push.device('dan-phone', 3))
    publish = async (body) => {
      const res = await show.owner.post(`/api/v1/channels/${show.channel.slug}/posts`, body)
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      await waitForPush(server, res.body.id)
      return res.body.id
    }
  })
  afterAll(async () => {
    await server?.destroy()
    await push?.close()
  })

  it('writes an album’s notification in each device’s language, with its plural forms', async () => {
    const photos = await uploadMany(server, ownerToken, 2, { alt: 'Set photo' })
    await publish({ text: 'Pier at night', media: photos.map((p) => ({ id: p.id })) })
    expectNoProtocolErrors(push)
    const body = (device: string) => push.messages(device)[0]?.payload.body
    expect(body('ana-phone')).toBe('Nuevo álbum: 2 fotos\nPier at night')
    expect(body('beto-phone')).toBe('Nuevo álbum: 2 fotos\nPier at night')
    expect(body('cleo-phone')).toBe('New album: 2 photos\nPier at night')
    expect(body('dan-phone')).toBe('New album: 2 photos\nPier at night')
  })

  it('labels spoilers and polls in the device’s language too', async () => {
    push.reset()
    await publish({ text: 'Shh', spoiler: true, spoilerLabel: 'Capítulo 8' })
    expect(push.messages('ana-phone')[0]?.payload.body).toBe('Spoiler: Capítulo 8')
    push.reset()
    await publish({ poll: { question: '¿Azotea o puerto?', options: ['Azotea', 'Puerto'] } })
    expect(push.messages('beto-phone')[0]?.payload.body).toBe('Encuesta: ¿Azotea o puerto?')
    expect(push.messages('dan-phone')[0]?.payload.body).toBe('Poll: ¿Azotea o puerto?')
  })
})

/** Registers a device as a browser that sends `acceptLanguage` would. */
async function registerFrom(api: Client, device: TestDevice, acceptLanguage: string): Promise<void> {
  const body = { endpoint: device.endpoint, expirationTime: null, keys: device.keys }
  const res = await api.post('/api/v1/push/subscriptions', body, { 'accept-language': acceptLanguage })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
}
