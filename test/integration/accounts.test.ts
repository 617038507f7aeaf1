import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../../src/util/ids.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { cookieAttributes, countRows, PASSWORD, sessionCookie, sessionSetCookie } from './accounts-helpers.js'

describe.each(testDatabases)('accounts on %s', (kind) => {
  let server: TestServer
  const anon = () => client(server.url)
  const register = (handle: string, extra: Record<string, unknown> = {}) =>
    anon().post('/api/v1/accounts', {
      handle,
      displayName: `Name of ${handle}`,
      password: PASSWORD,
      ...extra,
    })
  const login = (handle: string, password = PASSWORD) => anon().post('/api/v1/sessions', { handle, password })

  beforeAll(async () => {
    server = await startTestServer(kind)
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('registers an account, logs it in and shows it at /me', async () => {
    const res = await register('Show_Runner', { email: 'runner@example.org' })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.any(String),
      handle: 'show_runner',
      displayName: 'Name of Show_Runner',
      isAdmin: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
    const me = await client(server.url, { cookie: sessionCookie(res) }).get('/api/v1/me')
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({
      id: res.body.id,
      handle: 'show_runner',
      email: 'runner@example.org',
      auth: { via: 'session', scopes: ['read', 'post', 'channel:admin'] },
    })
    const stored = await server.ctx.db
      .selectFrom('account')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow()
    expect(stored.password_hash).toMatch(/^\$argon2id\$/)
  })

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/ and not Secure on http', async () => {
    await register('cookie_fan')
    const line = sessionSetCookie(await login('cookie_fan'))!
    const attributes = cookieAttributes(line)
    expect(attributes.has('httponly')).toBe(true)
    expect(attributes.get('samesite')).toBe('Lax')
    expect(attributes.get('path')).toBe('/')
    expect(attributes.get('max-age')).toBe(String(server.ctx.config.sessionTtlMs / 1000))
    expect(attributes.has('secure')).toBe(false)
  })

  it('logs in with any case of the handle and refuses a wrong password or unknown handle alike', async () => {
    await register('grip')
    const ok = await login('GRIP')
    expect(ok.status).toBe(200)
    expect(ok.body.handle).toBe('grip')

    const wrong = await login('grip', 'not the password')
    const unknown = await login('nobody_here')
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(sessionSetCookie(res)).toBeUndefined()
    }
    const { instance: _a, ...wrongBody } = wrong.body
    const { instance: _b, ...unknownBody } = unknown.body
    expect(wrongBody).toEqual(unknownBody)
    expect(wrongBody.code).toBe('invalid-credentials')
  })

  it('logs out: deletes the session, clears the cookie, and the old cookie no longer works', async () => {
    await register('gaffer')
    const cookie = sessionCookie(await login('gaffer'))
    const sessions = await countRows(server, 'session')
    const out = await client(server.url, { cookie }).delete('/api/v1/sessions/current')
    expect(out.status).toBe(204)
    const cleared = cookieAttributes(sessionSetCookie(out)!)
    expect(cleared.get('max-age') === '0' || cleared.has('expires')).toBe(true)
    expect(await countRows(server, 'session')).toBe(sessions - 1)
    const me = await client(server.url, { cookie }).get('/api/v1/me')
    expect(me.status).toBe(401)
    expect(me.body.code).toBe('unauthenticated')
  })

  it('refuses a handle already taken in any case, and writes nothing', async () => {
    expect((await register('best_boy')).status).toBe(201)
    const before = await countRows(server, 'account')
    const again = await register('Best_Boy')
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('handle-taken')
    expect(await countRows(server, 'account')).toBe(before)
  })

  it('changes the display name', async () => {
    const cookie = sessionCookie(await register('editor'))
    const res = await client(server.url, { cookie }).patch('/api/v1/me', { displayName: '  The Editor ' })
    expect(res.status).toBe(200)
    expect(res.body.displayName).toBe('The Editor')
    expect((await client(server.url, { cookie }).get('/api/v1/me')).body.displayName).toBe('The Editor')
    const blank = await client(server.url, { cookie }).patch('/api/v1/me', { displayName: '   ' })
    expect(blank.status).toBe(422)
    expect(blank.body.errors).toEqual([expect.objectContaining({ field: '/displayName' })])
  })

  it('creates, lists and revokes API tokens; a revoked token is refused', async () => {
    const cookie = sessionCookie(await register('colorist'))
    const session = client(server.url, { cookie })
    const created = await session.post('/api/v1/tokens', { name: 'laptop CLI', scopes: ['post', 'read'] })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'laptop CLI', scopes: ['read', 'post'], lastUsedAt: null })
    const token: string = created.body.token
    expect(token).toMatch(/^blt_[A-Za-z0-9_-]{43}$/)
    const row = await server.ctx.db
      .selectFrom('api_token')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow()
    expect(row.token_hash).toBe(hashSecret(token))
    expect(JSON.stringify(row)).not.toContain(token)

    const me = await client(server.url, { token }).get('/api/v1/me')
    expect(me.body).toMatchObject({ handle: 'colorist', auth: { via: 'token', scopes: ['read', 'post'] } })

    const list = await session.get('/api/v1/tokens')
    expect(list.status).toBe(200)
    expect(list.body.tokens).toEqual([
      {
        id: created.body.id,
        name: 'laptop CLI',
        scopes: ['read', 'post'],
        createdAt: created.body.createdAt,
        lastUsedAt: expect.any(String),
      },
    ])
    expect(JSON.stringify(list.body)).not.toContain(token)

    expect((await session.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204)
    const refused = await client(server.url, { token }).get('/api/v1/me')
    expect(refused.status).toBe(401)
    expect(refused.body.code).toBe('unauthenticated')
    expect((await session.get('/api/v1/tokens')).body.tokens).toEqual([])
    const twice = await session.delete(`/api/v1/tokens/${created.body.id}`)
    expect(twice.status).toBe(404)
    expect(twice.body.code).toBe('token-not-found')
  })

  it("answers token-not-found for another account's token and leaves it working", async () => {
    const owner = client(server.url, { cookie: sessionCookie(await register('token_owner')) })
    const other = client(server.url, { cookie: sessionCookie(await register('token_thief')) })
    const created = await owner.post('/api/v1/tokens', { name: 'mine', scopes: ['read'] })
    const res = await other.delete(`/api/v1/tokens/${created.body.id}`)
    expect(res.status).toBe(404)
    expect(res.body.code).toBe('token-not-found')
    expect((await other.get('/api/v1/tokens')).body.tokens).toEqual([])
    expect((await client(server.url, { token: created.body.token }).get('/api/v1/me')).status).toBe(200)
  })

  it('keeps a token within its scopes: no wider tokens, no post-scoped routes', async () => {
    const session = client(server.url, { cookie: sessionCookie(await register('scoped')) })
    const readToken = (await session.post('/api/v1/tokens', { name: 'reader', scopes: ['read'] })).body.token
    const postToken = await session.post('/api/v1/tokens', { name: 'poster', scopes: ['read', 'post'] })
    const reader = client(server.url, { token: readToken })
    const tokensBefore = await countRows(server, 'api_token')

    const wider = await reader.post('/api/v1/tokens', { name: 'escalate', scopes: ['read', 'post'] })
    expect(wider.status).toBe(403)
    expect(wider.body.code).toBe('insufficient-scope')
    expect(await countRows(server, 'api_token')).toBe(tokensBefore)

    // PATCH /api/v1/me is declared with scope 'post'.
    const rename = await reader.patch('/api/v1/me', { displayName: 'Hijacked' })
    expect(rename.status).toBe(403)
    expect(rename.body.code).toBe('insufficient-scope')
    expect((await session.get('/api/v1/me')).body.displayName).toBe('Name of scoped')

    const revokeWider = await reader.delete(`/api/v1/tokens/${postToken.body.id}`)
    expect(revokeWider.status).toBe(403)
    expect(revokeWider.body.code).toBe('insufficient-scope')

    const narrower = await reader.post('/api/v1/tokens', { name: 'reader copy', scopes: ['read'] })
    expect(narrower.status).toBe(201)
    const postOnly = client(server.url, { token: postToken.body.token })
    expect((await postOnly.patch('/api/v1/me', { displayName: 'Renamed' })).status).toBe(200)
    const self = (await reader.get('/api/v1/tokens')).body.tokens.find(
      (t: { name: string }) => t.name === 'reader',
    )
    expect((await reader.delete(`/api/v1/tokens/${self.id}`)).status).toBe(204)
  })

  describe('CSRF on cookie-authenticated writes', () => {
    let cookie: string
    beforeAll(async () => {
      cookie = sessionCookie(await register('csrf_check'))
    })
    const createToken = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'csrf', scopes: ['read'] }),
      })

    it('refuses a write without the x-backlot-csrf header', async () => {
      const res = await createToken({})
      expect(res.status).toBe(403)
      expect(((await res.json()) as { code: string }).code).toBe('csrf-rejected')
    })

    it('refuses a write from a foreign Origin, even with the header', async () => {
      const res = await createToken({ 'x-backlot-csrf': '1', origin: 'https://evil.example' })
      expect(res.status).toBe(403)
      expect(((await res.json()) as { code: string }).code).toBe('csrf-rejected')
    })

    it('accepts a write with the header from the same origin', async () => {
      const res = await createToken({ 'x-backlot-csrf': '1', origin: server.ctx.config.publicUrl.origin })
      expect(res.status).toBe(201)
    })

    it('refuses a login posted from a foreign Origin', async () => {
      const res = await anon().post(
        '/api/v1/sessions',
        { handle: 'csrf_check', password: PASSWORD },
        { origin: 'https://evil.example' },
      )
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('csrf-rejected')
      expect(sessionSetCookie(res)).toBeUndefined()
    })
  })

  describe('bad input changes nothing', () => {
    let accounts: number
    beforeAll(async () => {
      accounts = await countRows(server, 'account')
    })
    afterAll(async () => {
      expect(await countRows(server, 'account')).toBe(accounts)
    })
    const send = (body: string, headers: Record<string, string> = {}) =>
      anon().request('POST', '/api/v1/accounts', body, { 'content-type': 'application/json', ...headers })

    it('answers malformed JSON with 400 malformed-json', async () => {
      const res = await send('{"handle": "broken",')
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('malformed-json')
    })

    it('answers wrong types with 422 and an error per field', async () => {
      const res = await send(JSON.stringify({ handle: 42, displayName: ['x'], password: true }))
      expect(res.status).toBe(422)
      expect(res.body.code).toBe('validation')
      const fields = res.body.errors.map((e: { field: string }) => e.field)
      expect(fields).toEqual(expect.arrayContaining(['/handle', '/displayName', '/password']))
    })

    it('answers unknown fields, bad handles and short passwords with 422', async () => {
      const extra = await send(
        JSON.stringify({ handle: 'extra', displayName: 'X', password: PASSWORD, isAdmin: true }),
      )
      expect(extra.status).toBe(422)
      expect(extra.body.errors).toEqual([
        expect.objectContaining({ field: '/isAdmin', message: 'unknown field "isAdmin"' }),
      ])
      const badHandle = await send(
        JSON.stringify({ handle: 'no spaces!', displayName: 'X', password: PASSWORD }),
      )
      expect(badHandle.status).toBe(422)
      expect(badHandle.body.errors[0].field).toBe('/handle')
      const shortPassword = await send(
        JSON.stringify({ handle: 'shorty', displayName: 'X', password: 'short' }),
      )
      expect(shortPassword.status).toBe(422)
      expect(shortPassword.body.errors[0].field).toBe('/password')
    })

    it('answers a 10 MB body with 413 body-too-large', async () => {
      const huge = JSON.stringify({
        handle: 'huge',
        displayName: 'x'.repeat(10 * 1024 * 1024),
        password: PASSWORD,
      })
      const res = await send(huge)
      expect(res.status).toBe(413)
      expect(res.body.code).toBe('body-too-large')
    })
  })
})
