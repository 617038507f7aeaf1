import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * Issue 16 point 4 for the API: a problem's `title` is in the person's language — their setting
 * (`PATCH /api/v1/me { language }`), else the browser's Accept-Language, else English — and the
 * answer says which (`Content-Language`, `Vary: Accept-Language`). `type`, `code` and `detail`
 * never change with the language: clients switch on them.
 */
describe.each(testDatabases)('problem titles follow the language on %s', (kind) => {
  let server: TestServer
  let token: string

  beforeAll(async () => {
    server = await startTestServer(kind)
    token = (await seedAccount(server.ctx, 'lucia')).token
  })
  afterAll(async () => server?.close())

  const missingChannel = (headers: Record<string, string> = {}, withToken = false) =>
    client(server.url, { headers, ...(withToken && { token }) }).get('/api/v1/channels/no-such-show')

  it('answers in English without a preference', async () => {
    const res = await missingChannel()
    expect(res.status).toBe(404)
    expect(res.body.title).toBe('No such channel')
    expect(res.headers.get('content-language')).toBe('en')
    expect(res.headers.get('vary')).toMatch(/accept-language/i)
  })

  it('answers in Spanish for a browser that prefers it, with the same type, code and detail', async () => {
    const en = await missingChannel({ 'accept-language': 'en' })
    const es = await missingChannel({ 'accept-language': 'es-AR,es;q=0.9,en;q=0.5' })
    expect(es.body.title).toBe('No existe ese canal')
    expect(es.headers.get('content-language')).toBe('es')
    expect({ ...es.body, title: undefined }).toEqual({ ...en.body, title: undefined })
  })

  it('validation problems are translated too', async () => {
    const res = await client(server.url, { headers: { 'accept-language': 'es' } }).post('/api/v1/accounts', {
      handle: 'x',
    })
    expect(res.status).toBe(422)
    expect(res.body.title).toBe('La solicitud tiene campos no válidos')
  })

  it('the person’s setting wins over the browser, and null follows the browser again', async () => {
    const me = client(server.url, { token })
    const set = await me.patch('/api/v1/me', { language: 'es' })
    expect(set.status).toBe(200)
    expect(set.body.language).toBe('es')
    expect((await me.get('/api/v1/me')).body.language).toBe('es')
    expect((await missingChannel({ 'accept-language': 'en' }, true)).body.title).toBe('No existe ese canal')

    expect((await me.patch('/api/v1/me', { language: null })).body.language).toBeNull()
    expect((await missingChannel({ 'accept-language': 'en' }, true)).body.title).toBe('No such channel')
  })

  it('refuses a language without a catalog, naming the field', async () => {
    const res = await client(server.url, { token }).patch('/api/v1/me', { language: 'fr' })
    expect(res.status).toBe(422)
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('/language')
    expect((await client(server.url, { token }).get('/api/v1/me')).body.language).toBeNull()
  })
})
