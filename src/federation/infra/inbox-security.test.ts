import type { webcrypto } from 'node:crypto'
import { signRequest } from '@fedify/fedify'
import { Temporal } from '@js-temporal/polyfill'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../test/_util/db.js'
import {
  type Canary,
  createRemoteInstance,
  eventually,
  type RemoteInstance,
  remoteHandler,
  type Served,
  serveFetch,
  startCanary,
} from '../../../test/_util/fedify.js'
import { createLocalInstance, type LocalInstance } from '../../../test/_util/fedify-local.js'
import { type DatabaseHandle, openDatabase } from '../../db/database.js'
import { migrateToLatest } from '../../db/migrator.js'

/**
 * Incoming security (issue 18 part 3, DESIGN rule 6) against an independent Fedify instance playing
 * the remote server on a loopback port: HTTP signatures of both specs verified, forgeries refused,
 * the key's owner bound to the actor, cross-origin objects not trusted, replays applied once,
 * size and rate limits before parsing, blocked instances refused, and key fetches that point at
 * the server's own network never dialled.
 */
describe.each(testDatabases)('federation inbox security on %s', (kind) => {
  let testDb: TestDatabase
  let handle: DatabaseHandle
  let remote: RemoteInstance
  let remoteServer: Served
  let canary: Canary
  let local: LocalInstance
  let remoteOrigin: string
  let n = 0

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    handle = await openDatabase(testDb.config)
    await migrateToLatest(handle.db)
    remote = await createRemoteInstance(['alice', 'bob'])
    remoteServer = await serveFetch(remoteHandler(remote))
    canary = await startCanary()
    remoteOrigin = `http://remote.test:${remoteServer.port}`
    remote.redirects.set('/redirect-to-canary', `http://127.0.0.1:${canary.port}/users/alice`)
    local = await createLocalInstance({
      db: handle.db,
      loopbackPorts: [remoteServer.port],
      policy: { inbox: { maxBodyBytes: 8 * 1024, perInstance: { limit: 20, windowMs: 60_000 } } },
    })
  })
  afterAll(async () => {
    await local?.close()
    await remoteServer?.close()
    await canary?.close()
    await handle?.close()
    await testDb?.drop()
  })

  const channel = () => `${local.origin}/actors/channel`
  const follow = (actor = 'alice', id = `${remoteOrigin}/follows/${++n}`) => ({
    '@context': 'https://www.w3.org/ns/activitystreams',
    id,
    type: 'Follow',
    actor: `${remoteOrigin}/users/${actor}`,
    object: channel(),
  })

  async function post(
    activity: object,
    sign: {
      as?: string
      keyId?: string
      spec?: 'draft-cavage-http-signatures-12' | 'rfc9421'
      at?: Temporal.Instant
      tamper?: (body: string) => string
      privateKey?: webcrypto.CryptoKey
    } | null = {},
  ): Promise<Response> {
    const body = JSON.stringify(activity)
    let request = new Request(`${channel()}/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json', accept: 'application/activity+json' },
      body,
    })
    if (sign) {
      const as = sign.as ?? 'alice'
      request = await signRequest(
        request,
        sign.privateKey ?? remote.keys.get(as)!.privateKey,
        new URL(sign.keyId ?? `${remoteOrigin}/users/${as}#main-key`),
        { spec: sign.spec ?? 'draft-cavage-http-signatures-12', currentTime: sign.at },
      )
    }
    if (sign?.tamper) {
      request = new Request(request.url, {
        method: 'POST',
        headers: request.headers,
        body: sign.tamper(body),
      })
    }
    return local.handle(request)
  }

  const heardIds = () => local.heard.map((a) => a.id?.href)

  it('accepts a draft-cavage signed Follow (as Mastodon signs) and runs the listener', async () => {
    const activity = follow()
    const response = await post(activity, { spec: 'draft-cavage-http-signatures-12' })
    expect(response.status).toBe(202)
    await eventually(() => heardIds().includes(activity.id))
  })

  it('accepts an RFC 9421 signed Follow', async () => {
    const activity = follow()
    const response = await post(activity, { spec: 'rfc9421' })
    expect(response.status).toBe(202)
    await eventually(() => heardIds().includes(activity.id))
  })

  it('refuses unsigned, tampered-body, wrong-key and expired requests, and runs nothing for them', async () => {
    const wrongKey = remote.keys.get('bob')!.privateKey
    const cases = {
      unsigned: await post(follow(), null),
      tampered: await post(follow(), { tamper: (body) => body.replace('Follow', 'Block') }),
      tamperedRfc9421: await post(follow(), {
        spec: 'rfc9421',
        tamper: (body) => body.replace('Follow', 'Block'),
      }),
      wrongKey: await post(follow(), { privateKey: wrongKey }),
      expired: await post(follow(), { at: Temporal.Now.instant().subtract({ hours: 2 }) }),
      expiredRfc9421: await post(follow(), {
        spec: 'rfc9421',
        at: Temporal.Now.instant().subtract({ hours: 2 }),
      }),
    }
    for (const [name, response] of Object.entries(cases)) {
      expect([name, response.status]).toEqual([name, 401])
    }
    const before = local.heard.length
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(local.heard.length).toBe(before)
  })

  it("refuses an activity whose actor is not the signing key's owner", async () => {
    // Signed correctly with alice's key, claiming to be bob.
    const activity = follow('bob')
    const response = await post(activity, { as: 'alice' })
    expect(response.status).toBe(401)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(heardIds()).not.toContain(activity.id)
  })

  it('does not trust an embedded object whose id is of another origin than the sender', async () => {
    const id = `${remoteOrigin}/creates/${++n}`
    const forged = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id,
      type: 'Create',
      actor: `${remoteOrigin}/users/alice`,
      object: { id: `http://victim.test:${canary.port}/notes/1`, type: 'Note', content: 'forged words' },
    }
    expect((await post(forged)).status).toBe(202)
    await eventually(() => heardIds().includes(id))
    const create = local.heard.find((a) => a.id?.href === id) as unknown as { resolvedObject: unknown }
    // Fedify refetched the object from its own origin instead of trusting the copy: that fetch
    // goes to a loopback port the guard refuses, so there is no object, and no forged content.
    expect(create.resolvedObject).toBeNull()
    expect(canary.connections()).toBe(0)
  })

  it('applies a replayed activity (same id, inside the window) once', async () => {
    const activity = follow()
    const first = await post(activity)
    const replay = await post(activity)
    expect([first.status, replay.status]).toEqual([202, 202])
    await eventually(() => heardIds().includes(activity.id))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(heardIds().filter((id) => id === activity.id)).toHaveLength(1)
  })

  it('refuses a body over the limit with 413 problem+json before parsing it', async () => {
    const big = { ...follow(), padding: 'x'.repeat(9 * 1024) }
    const response = await post(big)
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'inbox-too-large', status: 413 })
    // Without a Content-Length the body is read up to the limit and no further.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(big)))
        controller.close()
      },
    })
    const chunked = new Request(`${channel()}/inbox`, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/activity+json' },
      duplex: 'half',
    } as RequestInit)
    expect((await local.handle(chunked)).status).toBe(413)
  })

  it('never fetches a key URL that points at the server’s own network (canary stays at zero)', async () => {
    for (const keyId of [
      `http://127.0.0.1:${canary.port}/users/alice#main-key`,
      `http://canary.test:${canary.port}/users/alice#main-key`,
      `http://[::ffff:127.0.0.1]:${canary.port}/key`,
      `${remoteOrigin}/redirect-to-canary`,
    ]) {
      const response = await post(follow(), { keyId })
      expect([keyId, response.status]).toEqual([keyId, 401])
    }
    expect(canary.connections()).toBe(0)
  })
})

describe.each(testDatabases)('federation inbox limits and blocks on %s', (kind) => {
  let testDb: TestDatabase
  let handle: DatabaseHandle
  let remote: RemoteInstance
  let remoteServer: Served
  let local: LocalInstance
  let remoteOrigin: string
  let n = 0

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    handle = await openDatabase(testDb.config)
    await migrateToLatest(handle.db)
    remote = await createRemoteInstance(['alice'])
    remoteServer = await serveFetch(remoteHandler(remote))
    remoteOrigin = `http://sub.remote.test:${remoteServer.port}`
    local = await createLocalInstance({
      db: handle.db,
      loopbackPorts: [remoteServer.port],
      policy: { inbox: { maxBodyBytes: 64 * 1024, perInstance: { limit: 3, windowMs: 60_000 } } },
    })
  })
  afterAll(async () => {
    await local?.close()
    await remoteServer?.close()
    await handle?.close()
    await testDb?.drop()
  })

  async function signedFollow(): Promise<Request> {
    const activity = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${remoteOrigin}/follows/${++n}`,
      type: 'Follow',
      actor: `${remoteOrigin}/users/alice`,
      object: `${local.origin}/actors/channel`,
    }
    const request = new Request(`${local.origin}/actors/channel/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json' },
      body: JSON.stringify(activity),
    })
    return signRequest(
      request,
      remote.keys.get('alice')!.privateKey,
      new URL(`${remoteOrigin}/users/alice#main-key`),
    )
  }

  it('refuses a blocked instance and its subdomains at the inbox with 403, fetching and running nothing', async () => {
    await local.infra.blocks.block('Remote.TEST.', { reason: 'spam', actorId: null })
    const seenBefore = remoteServer.seen.length
    const heardBefore = local.heard.length
    const response = await local.handle(await signedFollow())
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ code: 'instance-blocked' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(local.heard.length).toBe(heardBefore)
    expect(remoteServer.seen.length).toBe(seenBefore)
    // The document loader refuses it too, without a connection.
    const loader = local.federation.createContext(new URL(local.origin), undefined).documentLoader
    await expect(loader(`${remoteOrigin}/users/alice`)).rejects.toThrow(/block list/)
    expect(remoteServer.seen.length).toBe(seenBefore)
    await local.infra.blocks.unblock('remote.test', { actorId: null })
    expect((await local.handle(await signedFollow())).status).toBe(202)
  })

  it('limits each instance by its signing key’s host: 429 problem with Retry-After', async () => {
    const statuses: number[] = []
    let limited: Response | undefined
    for (let i = 0; i < 4; i++) {
      const response = await local.handle(await signedFollow())
      statuses.push(response.status)
      if (response.status === 429) limited = response
    }
    expect(statuses).toContain(429)
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await limited!.json()).toMatchObject({ code: 'rate-limited', status: 429 })
  })
})
