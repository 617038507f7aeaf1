import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelRow } from '../../src/db/schema.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'
import { PASSWORD, sessionCookie } from './accounts-helpers.js'

const PHONE =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36'
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'
const TABLET =
  'Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/604.1'

/**
 * Issue 17 point 1: a person sees where they are logged in (device from the user agent, the
 * address's network only, created, last seen), ends any session or all the others — its cookie and
 * live streams stop at once — and changes the password, which ends all the other sessions.
 */
describe.each(testDatabases)('your sessions on %s', (kind) => {
  let server: TestServer
  let crew: ChannelRow
  const sockets: StreamClient[] = []

  beforeAll(async () => {
    server = await startTestServer(kind, { env: { BACKLOT_TRUST_PROXY: 'true' } })
    const owner = await seedAccount(server.ctx, 'producer')
    crew = await seedChannel(server.ctx, owner.account, { slug: 'crew', visibility: 'private' })
  })
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()))
  })
  afterAll(async () => server?.close())

  /** A member of the private channel logged in from each device given (user agent, address). */
  async function person(handle: string, devices: [string, string][]): Promise<string[]> {
    const account = await server.ctx.accounts.createAccount({
      handle,
      displayName: handle,
      password: PASSWORD,
    })
    await seedMember(server.ctx, crew, account, null)
    const cookies: string[] = []
    for (const [userAgent, address] of devices) {
      const res = await client(server.url, {
        headers: { 'user-agent': userAgent, 'x-forwarded-for': address },
      }).post('/api/v1/sessions', { handle, password: PASSWORD })
      expect(res.status).toBe(200)
      cookies.push(sessionCookie(res))
    }
    return cookies
  }

  const as = (cookie: string) => client(server.url, { cookie })

  it('lists each session with its device and network, never the address, marking the current one', async () => {
    const [phone] = await person('maya', [
      [PHONE, '203.0.113.77'],
      [LAPTOP, '2001:db8:abcd:12::9'],
    ])
    const res = await as(phone!).get('/api/v1/sessions')
    expect(res.status).toBe(200)
    expect(res.body.items).toHaveLength(2)
    const byDevice = Object.fromEntries(res.body.items.map((s: { device: string }) => [s.device, s]))
    expect(byDevice['Chrome on Android']).toMatchObject({ network: '203.0.113.0/24', current: true })
    expect(byDevice['Firefox on Linux']).toMatchObject({ network: '2001:db8:abcd::/48', current: false })
    expect(JSON.stringify(res.body)).not.toContain('203.0.113.77')
    for (const session of res.body.items) {
      expect(Date.parse(session.createdAt)).toBeLessThanOrEqual(Date.parse(session.lastSeenAt))
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now())
    }
  })

  it('ending a session stops its cookie and its live stream at once; the others go on', async () => {
    const [phone, laptop] = await person('noor', [
      [PHONE, '198.51.100.4'],
      [LAPTOP, '198.51.100.5'],
    ])
    const laptopStream = await StreamClient.open(server.url, { cookie: laptop! })
    sockets.push(laptopStream)
    expect((await laptopStream.subscribeAndWait('crew')).type).toBe('subscribed')

    const listed = (await as(phone!).get('/api/v1/sessions')).body.items
    const laptopId = listed.find((s: { current: boolean }) => !s.current).id
    expect((await as(phone!).delete(`/api/v1/sessions/${laptopId}`)).status).toBe(204)

    expect(await laptopStream.closed).toEqual({ code: 4401, reason: 'credentials revoked' })
    expect((await as(laptop!).get('/api/v1/me')).status).toBe(401)
    expect((await as(phone!).get('/api/v1/me')).status).toBe(200)
    expect((await as(phone!).get('/api/v1/sessions')).body.items).toHaveLength(1)
  })

  it('another person’s session id, or an unknown one, is not found and ends nothing', async () => {
    const [mine] = await person('omar', [[PHONE, '192.0.2.1']])
    const [theirs] = await person('pia', [[LAPTOP, '192.0.2.2']])
    const theirId = (await as(theirs!).get('/api/v1/sessions')).body.items[0].id
    const res = await as(mine!).delete(`/api/v1/sessions/${theirId}`)
    expect(res.status).toBe(404)
    expect(res.body.code).toBe('session-not-found')
    expect((await as(theirs!).get('/api/v1/me')).status).toBe(200)
  })

  it('ends all the other sessions at once', async () => {
    const [phone, laptop, tablet] = await person('quinn', [
      [PHONE, '192.0.2.10'],
      [LAPTOP, '192.0.2.11'],
      [TABLET, '192.0.2.12'],
    ])
    const res = await as(laptop!).delete('/api/v1/sessions/others')
    expect(res.status).toBe(200)
    expect(res.body.ended).toBe(2)
    expect((await as(phone!).get('/api/v1/me')).status).toBe(401)
    expect((await as(tablet!).get('/api/v1/me')).status).toBe(401)
    expect((await as(laptop!).get('/api/v1/sessions')).body.items).toMatchObject([
      { device: 'Firefox on Linux', current: true },
    ])
  })

  it('changing the password needs the current one and ends every other session', async () => {
    const [phone, laptop] = await person('rosa', [
      [PHONE, '192.0.2.20'],
      [LAPTOP, '192.0.2.21'],
    ])
    const wrong = await as(phone!).put('/api/v1/me/password', {
      currentPassword: 'not my password',
      newPassword: 'a brand new passphrase',
    })
    expect(wrong.status).toBe(401)
    expect(wrong.body.code).toBe('invalid-credentials')
    expect((await as(laptop!).get('/api/v1/me')).status).toBe(200)

    const weak = await as(phone!).put('/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'short',
    })
    expect(weak.status).toBe(422)

    const changed = await as(phone!).put('/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    })
    expect(changed.status).toBe(204)
    expect((await as(laptop!).get('/api/v1/me')).status).toBe(401)
    expect((await as(phone!).get('/api/v1/me')).status).toBe(200)
    const login = (password: string) =>
      client(server.url).post('/api/v1/sessions', { handle: 'rosa', password })
    expect((await login(PASSWORD)).status).toBe(401)
    expect((await login('a brand new passphrase')).status).toBe(200)
  })
})
