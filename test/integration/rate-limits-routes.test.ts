import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import type { App } from '../../src/http/app.js'
import { declaredRouteLimits, registerRateLimits } from '../../src/http/rate-limit-hooks.js'
import type { RequestLimits } from '../../src/http/request-limits.js'
import { webRoutes } from '../../src/web/routes.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * Issue 14: "every public route has a rate limit". Enumerates the routes the server registers and
 * fails for any without a bucket, so a route added later cannot forget its limit. Health,
 * readiness and metrics alone are unlimited (src/ops/routes.ts says why).
 */
const UNLIMITED = ['/healthz', '/readyz', '/metrics']

describe.each(testDatabases)('rate-limit coverage of routes (%s)', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(kind)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('gives every route a rate-limit bucket except health, readiness and metrics', () => {
    const routes = declaredRouteLimits(server.app)
    expect(routes.length).toBeGreaterThan(100)
    const missing = routes
      .filter((r) => !UNLIMITED.includes(r.url))
      .filter((r) => !r.rateLimit || (Array.isArray(r.rateLimit) && r.rateLimit.length === 0))
      .map((r) => `${r.method} ${r.url}`)
    expect(missing).toEqual([])
    const unlimited = routes.filter((r) => UNLIMITED.includes(r.url))
    expect(unlimited.map((r) => r.rateLimit)).toEqual(unlimited.map(() => false))
  })

  it('puts the writes of issue 14 in their buckets', () => {
    const bucketOf = (method: string, url: string) =>
      declaredRouteLimits(server.app).find((r) => r.method === method && r.url === url)?.rateLimit
    const post = '/api/v1/channels/:slug/posts/:id'
    expect({
      registration: bucketOf('POST', '/api/v1/accounts'),
      channel: bucketOf('POST', '/api/v1/channels'),
      posting: bucketOf('POST', '/api/v1/channels/:slug/posts'),
      reaction: [bucketOf('PUT', `${post}/reaction`), bucketOf('DELETE', `${post}/reaction`)],
      vote: bucketOf('PUT', `${post}/vote`),
      answer: bucketOf('POST', `${post}/answers`),
      invite: bucketOf('POST', '/api/v1/channels/:slug/invites'),
      upload: bucketOf('POST', '/api/v1/media'),
      push: bucketOf('POST', '/api/v1/push/subscriptions'),
      stream: [bucketOf('GET', '/api/v1/stream'), bucketOf('GET', '/api/v1/channels/:slug/events')],
    }).toEqual({
      registration: 'registration',
      channel: 'channel-create',
      posting: 'posts',
      reaction: ['reactions', 'reactions'],
      vote: 'votes',
      answer: 'answers',
      invite: 'invites',
      upload: 'uploads',
      push: 'push-subscriptions',
      stream: ['stream-opens', 'stream-opens'],
    })
  })
})

describe('rate-limit coverage of the web app files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'backlot-web-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('puts the built files and the app shell in the pages bucket', async () => {
    for (const [name, content] of Object.entries({
      'index.html': '<!doctype html>',
      'assets/app-1.js': '1',
    })) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
      writeFileSync(path.join(dir, name), content)
    }
    const app = Fastify() as unknown as App
    const counted: string[] = []
    const limits = {
      isExempt: () => false,
      countsAccounts: () => false,
      enforce: async (bucket: string) => {
        counted.push(bucket)
      },
    } as unknown as RequestLimits
    registerRateLimits(app, limits)
    const ctx = { config: { publicUrl: new URL('http://127.0.0.1:8080') } } as unknown as AppContext
    webRoutes(app, ctx, { distDir: dir })
    await app.ready()
    const files = declaredRouteLimits(app).filter((r) => !r.url.startsWith('/api/'))
    expect(files.map((r) => r.url)).toEqual(expect.arrayContaining(['/assets/app-1.js', '/', '/app/*']))
    expect(files.filter((r) => r.rateLimit !== 'pages')).toEqual([])
    expect((await app.inject('/assets/app-1.js')).statusCode).toBe(200)
    expect(counted).toEqual(['pages'])
    await app.close()
  })
})
