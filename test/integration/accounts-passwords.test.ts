import * as argon2 from 'argon2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { argon2Profiles } from '../../src/accounts/passwords.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { countRows } from './accounts-helpers.js'

/** Issue 14 item 9: passwords are compared in NFC, and the most common breached ones are refused. */
describe.each(testDatabases)('passwords on %s', (kind) => {
  let server: TestServer
  // The same passphrase as precomposed characters (NFC) and as letters + combining accents (NFD).
  const nfc = 'Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e'
  const nfd = nfc.normalize('NFD')
  const register = (handle: string, password: string) =>
    client(server.url).post('/api/v1/accounts', { handle, displayName: handle, password })
  const login = (handle: string, password: string) =>
    client(server.url).post('/api/v1/sessions', { handle, password })

  beforeAll(async () => {
    server = await startTestServer(kind)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('logs in with the other Unicode form of the password it was registered with', async () => {
    expect(nfd).not.toBe(nfc)
    expect((await register('decomposed', nfd)).status).toBe(201)
    expect((await login('decomposed', nfc)).status).toBe(200)
    expect((await register('composed', nfc)).status).toBe(201)
    expect((await login('composed', nfd)).status).toBe(200)
    expect((await login('composed', 'Cafe creme brulee')).status).toBe(401)
  })

  it('renews a hash made from an unnormalised password at the next login', async () => {
    expect((await register('veteran', 'placeholder pass 1')).status).toBe(201)
    // As stored before passwords were normalised: the hash of the bytes as typed (NFD).
    const legacy = await argon2.hash(nfd, { type: argon2.argon2id, ...argon2Profiles.fast })
    await server.ctx.db
      .updateTable('account')
      .set({ password_hash: legacy })
      .where('handle', '=', 'veteran')
      .execute()
    expect((await login('veteran', nfc)).status).toBe(401)
    expect((await login('veteran', nfd)).status).toBe(200)
    expect((await login('veteran', nfc)).status).toBe(200)
  })

  it('refuses a password from the breach list, whatever its case, and says why', async () => {
    const before = await countRows(server, 'account')
    for (const password of ['password1234', 'Password1234', 'QWERTYUIOP']) {
      const res = await register('careless', password)
      expect(res.status, password).toBe(422)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body).toMatchObject({
        type: 'https://backlot.dev/problems#password-too-common',
        code: 'password-too-common',
        detail:
          'This password appears in lists of passwords leaked from other sites; attackers try these first. Choose another.',
        errors: [{ in: 'body', field: '/password', message: 'appears in lists of leaked passwords' }],
      })
    }
    expect(await countRows(server, 'account')).toBe(before)
    expect((await register('careful', 'tungsten lighthouse 42')).status).toBe(201)
  })
})
