import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { captureLog } from '../_util/log-capture.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * Issue 14 item 8: press preview secrets, invite tokens and token-bearing queries never reach the
 * log — not in the debug lines of every request, nor in the info lines of slow and failed ones,
 * nor with a 500's error. Proven by grepping everything a server logged at debug.
 */
describe.each(testDatabases)('secrets in logs on %s', (kind) => {
  let server: TestServer
  const log = captureLog('debug')
  const secrets: Record<string, string> = {}

  beforeAll(async () => {
    server = await startTestServer(kind, { overrides: { logger: log.logger } })
  })
  afterAll(async () => {
    await server?.destroy()
  })

  /** Sends the headers at once and the body after `delayMs`: a slow request on the server's clock. */
  function slowPost(path: string, token: string, body: string, delayMs: number): Promise<number> {
    const url = new URL(server.url)
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.on('error', reject)
      req.flushHeaders()
      setTimeout(() => req.end(body), delayMs)
    })
  }

  it('keeps preview links, invite tokens, token queries and credentials out of every log line', async () => {
    const owner = await seedAccount(server.ctx, 'showrunner')
    secrets.apiToken = owner.token
    const api = client(server.url, { token: owner.token })
    expect(
      (await api.post('/api/v1/channels', { slug: 'the-show', title: 'The Show', joinPolicy: 'invite' }))
        .status,
    ).toBe(201)

    const invite = await api.post('/api/v1/channels/the-show/invites', {})
    expect(invite.status).toBe(201)
    secrets.invite = invite.body.token
    const publishAt = new Date(Date.now() + 3_600_000).toISOString()
    const post = await api.post('/api/v1/channels/the-show/posts', { text: 'Finale', publishAt })
    const preview = await api.post(`/api/v1/channels/the-show/posts/${post.body.id}/previews`, {})
    expect(preview.status).toBe(201)
    secrets.preview = new URL(preview.body.url).pathname.split('/')[2]!
    secrets.query = 'query-secret-4711'
    secrets.cookie = 'cookie-secret-0815'

    // Succeeding, refused and not-found requests, each carrying a secret.
    expect((await fetch(preview.body.url)).status).toBe(200)
    expect((await fetch(`${preview.body.url}/01HNOSUCHMEDIA/w320.webp`)).status).toBe(404)
    await fetch(`${server.url}/join/the-show?invite=${secrets.invite}`)
    const fan = await seedAccount(server.ctx, 'fan')
    const asFan = client(server.url, { token: fan.token })
    expect((await asFan.post('/api/v1/channels/the-show/members', { invite: secrets.invite })).status).toBe(
      201,
    )
    const refused = await api.get(`/api/v1/channels/the-show/posts?token=${secrets.query}&cursor=x`)
    expect(refused.status).toBeGreaterThanOrEqual(400)
    await fetch(`${server.url}/api/v1/me`, { headers: { cookie: `backlot_session=${secrets.cookie}` } })
    const embedded = encodeURIComponent(`${server.url}/preview/${secrets.preview}`)
    await fetch(`${server.url}/oembed?url=${embedded}&format=json`)

    // A slow request (logged at info) with a secret query.
    const slowStatus = await slowPost(
      `/api/v1/channels/the-show/members?invite=${secrets.invite}`,
      fan.token,
      '{}',
      1_100,
    )
    expect(slowStatus).toBe(409) // already a member

    // A failed one (500, logged at error and info): the previews table is gone (its opens first,
    // which point at it).
    await server.ctx.db.schema.dropTable('press_preview_open').execute()
    await server.ctx.db.schema.dropTable('press_preview').execute()
    expect((await fetch(`${preview.body.url}?signature=${secrets.query}`)).status).toBe(500)

    const lines = log.lines()
    const urls = lines.map((l) => (l.req as { url?: string } | undefined)?.url).filter(Boolean)
    // The log did record these requests, with the secrets redacted.
    expect(urls).toContain('/preview/[redacted]')
    expect(urls).toContain('/join/the-show?invite=[redacted]')
    expect(urls).toContain('/api/v1/channels/the-show/posts?token=[redacted]&cursor=x')
    // Among the slow requests (on a loaded machine there may be others), the slowed one, redacted.
    const slowUrls = lines
      .filter((l) => l.level === 30 && (l.responseTime as number) >= 1_000)
      .map((l) => (l.req as { url?: string } | undefined)?.url)
    expect(slowUrls).toContain('/api/v1/channels/the-show/members?invite=[redacted]')
    expect(lines.some((l) => l.level === 50 && l.msg === 'request failed')).toBe(true)
    const failed = lines.find((l) => l.level === 30 && (l.res as { statusCode: number })?.statusCode === 500)
    expect((failed?.req as { url?: string } | undefined)?.url).toBe(
      '/preview/[redacted]?signature=[redacted]',
    )

    const text = log.text()
    for (const [name, secret] of Object.entries(secrets)) {
      expect(text.includes(secret), `${name} secret in the log`).toBe(false)
    }
  })
})
