import net from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { testDatabases } from '../_util/db.js'
import { captureLog } from '../_util/log-capture.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * Issue 14 item 7, case by case: what the property test (hostile-input.test.ts) found or the issue
 * named, each a 4xx with a problem document now, on both databases, and logged below error level.
 */
describe.each(testDatabases)('hostile input regressions on %s', (kind) => {
  let server: TestServer
  let token: string
  const log = captureLog('debug')
  let logStart = 0

  beforeAll(async () => {
    server = await startTestServer(kind, { overrides: { logger: log.logger } })
    const owner = await seedAccount(server.ctx, 'showrunner')
    await seedChannel(server.ctx, owner.account, { slug: 'the-show' })
    token = owner.token
  })
  afterAll(async () => {
    await server?.destroy()
  })
  beforeEach(() => {
    logStart = log.lines().length
  })

  /** Levels of what the server logged since the test began (pino: 20 debug, 30 info, 50 error). */
  const levelsLogged = () =>
    log
      .lines()
      .slice(logStart)
      .map((l) => l.level)

  async function expectProblem(res: Response, status: number, code: string) {
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    const problem = (await res.json()) as { code: string; status: number }
    expect(problem).toMatchObject({ code, status })
    return problem
  }

  /** A request written to the socket byte for byte (no client would send these). */
  function rawExchange(request: string): Promise<string> {
    const url = new URL(server.url)
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () =>
        socket.end(Buffer.from(request, 'latin1')),
      )
      let answer = ''
      socket.on('data', (chunk) => {
        answer += chunk.toString()
      })
      socket.on('close', () => resolve(answer))
      socket.on('error', reject)
    })
  }

  it('answers /_pages/ names of Object.prototype members with 404, not 500', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const res = await fetch(`${server.url}/_pages/${name}`)
      expect(res.status, name).toBe(404)
      expect(await res.text()).not.toContain('Internal')
    }
    expect((await fetch(`${server.url}/_pages/pages.css`)).status).toBe(200)
    expect(levelsLogged().every((level) => level < 40)).toBe(true)
  })

  it('logs the documented 501 of oEmbed and page refusals below error level', async () => {
    const url = encodeURIComponent(`${server.url}/c/the-show`)
    await expectProblem(await fetch(`${server.url}/oembed?url=${url}&format=xml`), 501, 'oembed-format')
    expect((await fetch(`${server.url}/c/no-such-channel`)).status).toBe(404)
    expect((await fetch(`${server.url}/c/the-show/p/x/0`)).status).toBe(422)
    expect((await fetch(`${server.url}/c/%ff`)).status).toBe(400)
    expect(levelsLogged().every((level) => level < 40)).toBe(true)
    expect(
      log
        .lines()
        .slice(logStart)
        .filter((l) => l.msg === 'request refused'),
    ).toHaveLength(4)
  })

  it('refuses a multipart upload without a boundary, or cut short, with 400', async () => {
    const upload = (contentType: string, body: string) =>
      fetch(`${server.url}/api/v1/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
      })
    await expectProblem(await upload('multipart/form-data', '{}'), 400, 'bad-request')
    const truncated = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc'
    await expectProblem(await upload('multipart/form-data; boundary=x', truncated), 400, 'bad-request')
    expect(levelsLogged().every((level) => level < 40)).toBe(true)
  })

  it('answers a URL that is not UTF-8 or not ASCII with a problem document', async () => {
    await expectProblem(await fetch(`${server.url}/api/v1/channels/%ff%fe`), 400, 'bad-request')
    const answer = await rawExchange('GET /api/v1/channels/caf\xe9 HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(answer).toContain('Content-Type: application/problem+json')
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'bad-request' })
  })

  it('refuses U+0000 in path parameters, queries, bodies and stream messages (PostgreSQL cannot hold it)', async () => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const inPath = await expectProblem(
      await fetch(`${server.url}/api/v1/channels/the%00show`),
      422,
      'validation',
    )
    expect(inPath).toMatchObject({ errors: [{ in: 'params', field: '/slug' }] })
    const inQuery = await fetch(`${server.url}/api/v1/channels/the-show/posts?cursor=a%00`, { headers: auth })
    await expectProblem(inQuery, 422, 'validation')
    const inBody = await fetch(`${server.url}/api/v1/channels/the-show/posts`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ text: 'Week 11\u0000' }),
    })
    expect(await expectProblem(inBody, 422, 'validation')).toMatchObject({
      errors: [{ in: 'body', field: '/text' }],
    })
    expect((await fetch(`${server.url}/c/the%00show`)).status).toBe(422)

    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/stream`)
    await new Promise((resolve) => ws.once('open', resolve))
    const frame = new Promise<string>((resolve) => ws.once('message', (data) => resolve(data.toString())))
    ws.send(JSON.stringify({ op: 'subscribe', channel: 'the\u0000show' }))
    expect(JSON.parse(await frame)).toMatchObject({ type: 'error', code: 'stream-bad-message' })
    ws.close()
    expect(levelsLogged().every((level) => level < 40)).toBe(true)
  })
})
