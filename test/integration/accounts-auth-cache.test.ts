import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUTH_CACHE_TTL_MS } from '../../src/accounts/auth-cache.js'
import { authRevokedTopic } from '../../src/accounts/authenticate.js'
import type { Bus, Unsubscribe } from '../../src/bus/bus.js'
import { MemoryBus } from '../../src/bus/memory-bus.js'
import { client } from '../_util/client.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { PASSWORD, sessionCookie } from './accounts-helpers.js'

/** A node's view of the shared bus that never receives revocations (the bus is lossy by contract). */
class DeafToRevocations implements Bus {
  constructor(private readonly shared: Bus) {}
  publish(topic: string, message: string): Promise<void> {
    return this.shared.publish(topic, message)
  }
  async subscribe(topic: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    if (topic === authRevokedTopic) return async () => {}
    return this.shared.subscribe(topic, onMessage)
  }
  async close(): Promise<void> {}
  async [Symbol.asyncDispose](): Promise<void> {}
}

/**
 * Credentials are cached per node for AUTH_CACHE_TTL_MS (src/accounts/authenticate.ts). Three nodes
 * share one database: `a` and `b` share a bus, `deaf` misses every revocation message. A logout or
 * a revoked token is refused at once on the node that made it and on every node that hears the
 * bus, and on a node that missed the message as soon as the TTL has run out.
 */
describe.each(testDatabases)('auth cache across nodes on %s', (kind) => {
  let database: TestDatabase
  let shared: MemoryBus
  let a: TestServer
  let b: TestServer
  let deaf: TestServer
  const clock = { t: Date.UTC(2030, 0, 1), now: () => clock.t }

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    shared = new MemoryBus()
    a = await startTestServer(kind, { database, overrides: { bus: shared, clock } })
    b = await startTestServer(kind, { database, overrides: { bus: shared, clock } })
    deaf = await startTestServer(kind, { database, overrides: { bus: new DeafToRevocations(shared), clock } })
  })

  afterAll(async () => {
    await deaf?.destroy()
    await b?.destroy()
    await a?.destroy()
    await shared?.close()
    await database?.drop()
  })

  const nodes = () => ({ a, b, deaf })
  /** GET /api/v1/me on each node with the credential: its status there. */
  async function statuses(credential: { cookie?: string; token?: string }) {
    const out: Record<string, number> = {}
    for (const [name, node] of Object.entries(nodes())) {
      out[name] = (await client(node.url, credential).get('/api/v1/me')).status
    }
    return out
  }

  async function login(handle: string): Promise<string> {
    await a.ctx.accounts.createAccount({ handle, displayName: handle, password: PASSWORD })
    return sessionCookie(await client(a.url).post('/api/v1/sessions', { handle, password: PASSWORD }))
  }

  it('a logout is refused at once on every node that hears it, on the others after the TTL', async () => {
    const cookie = await login('roaming_fan')
    expect(await statuses({ cookie })).toEqual({ a: 200, b: 200, deaf: 200 }) // now cached on each
    expect((await client(a.url, { cookie }).delete('/api/v1/sessions/current')).status).toBe(204)
    expect(await statuses({ cookie })).toEqual({ a: 401, b: 401, deaf: 200 })
    clock.t += AUTH_CACHE_TTL_MS
    expect(await statuses({ cookie })).toEqual({ a: 401, b: 401, deaf: 401 })
  })

  it('a revoked token likewise: refused at once where the bus reaches, after the TTL elsewhere', async () => {
    const cookie = await login('token_roamer')
    const created = await client(a.url, { cookie }).post('/api/v1/tokens', { name: 'cli', scopes: ['read'] })
    const token = created.body.token as string
    expect(await statuses({ token })).toEqual({ a: 200, b: 200, deaf: 200 })
    expect((await client(b.url, { cookie }).delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204)
    expect(await statuses({ token })).toEqual({ a: 401, b: 401, deaf: 200 })
    clock.t += AUTH_CACHE_TTL_MS
    expect(await statuses({ token })).toEqual({ a: 401, b: 401, deaf: 401 })
    // The session that revoked it is untouched.
    expect(await statuses({ cookie })).toEqual({ a: 200, b: 200, deaf: 200 })
  })
})
