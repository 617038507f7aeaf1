import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpTransport, TransportError } from './transport.js'

/** The outbound client's refusals and failure classes, against a local server. */
describe('createHttpTransport', () => {
  let server: http.Server
  let base: string
  /** Every connection the server has seen a request on. */
  const sockets = new Set<net.Socket>()
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume()
      sockets.add(req.socket)
      if (req.url === '/hang') return // never answers
      if (req.url === '/reset') {
        req.socket.destroy()
        return
      }
      if (req.url === '/slow') {
        setTimeout(() => res.end(), 30)
        return
      }
      if (req.url === '/busy') {
        res.writeHead(429, { 'retry-after': '17', connection: 'close' })
        res.end('slow down')
        return
      }
      if (req.url === '/echo') {
        res.writeHead(400)
        res.end(JSON.stringify(req.headers))
        return
      }
      if (req.url === '/bad') {
        res.writeHead(400, { 'content-type': 'text/plain' })
        res.end('UnauthorizedRegistration')
        return
      }
      res.writeHead(201, { location: '/m/1' })
      res.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const request = (url: string) => ({ url: new URL(url), headers: { ttl: '60' }, body: Buffer.from('x') })

  it('sends when loopback is allowed, and keeps the body of a refusal for the logs', async () => {
    const transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 4 })
    expect(await transport(request(`${base}/ok`))).toEqual({ status: 201, retryAfter: undefined, body: '' })
    expect((await transport(request(`${base}/bad`))).body).toBe('UnauthorizedRegistration')
    transport.close()
  })

  it('refuses loopback, private and link-local addresses without connecting', async () => {
    const transport = createHttpTransport({ allowLoopback: false, maxSocketsPerHost: 4 })
    for (const url of [`${base}/ok`, 'https://10.0.0.1/x', 'https://169.254.169.254/x', 'https://[::1]/x']) {
      const error = await transport(request(url)).catch((e) => e)
      expect(error).toBeInstanceOf(TransportError)
      expect(error).toMatchObject({ code: 'EPRIVATE', isSafeToRetry: false })
    }
    const byName = await transport(request('https://localhost:1/x')).catch((e) => e)
    expect(byName).toMatchObject({ code: 'EPRIVATE' })
    transport.close()
  })

  it('says a refused connection is safe to retry, and a request left unanswered is not', async () => {
    const transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 4, timeoutMs: 200 })
    const refused = await transport(request('http://127.0.0.1:1/x')).catch((e) => e)
    expect(refused).toMatchObject({ code: 'ECONNREFUSED', isSafeToRetry: true })
    const hung = await transport(request(`${base}/hang`)).catch((e) => e)
    expect(hung).toMatchObject({ code: 'ETIMEDOUT', isSafeToRetry: false })
    transport.close()
  })

  it('keeps connections alive, opens at most maxSocketsPerHost, and queues the rest', async () => {
    const transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 3 })
    sockets.clear()
    const answers = await Promise.all(Array.from({ length: 12 }, () => transport(request(`${base}/slow`))))
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200))
    expect(sockets.size).toBe(3)
    await transport(request(`${base}/ok`))
    expect(sockets.size).toBe(3)
    transport.close()
  })

  it('reads Retry-After, and opens a new connection after Connection: close', async () => {
    const transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 1 })
    sockets.clear()
    expect(await transport(request(`${base}/busy`))).toEqual({
      status: 429,
      retryAfter: '17',
      body: 'slow down',
    })
    expect((await transport(request(`${base}/ok`))).status).toBe(201)
    expect(sockets.size).toBe(2)
    transport.close()
  })

  it('sends the headers given, with Host and Content-Length of its own, and refuses line breaks', async () => {
    const transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 1 })
    const url = new URL(`${base}/echo`)
    const sent = await transport({
      url,
      headers: { ttl: '60', 'Content-Length': '99' },
      body: Buffer.from('abc'),
    })
    expect(JSON.parse(sent.body)).toMatchObject({ host: url.host, 'content-length': '3', ttl: '60' })
    for (const headers of [{ topic: 'a\r\nx-injected: 1' }, { 'bad name': '1' }] as Record<
      string,
      string
    >[]) {
      const error = await transport({ url, headers, body: Buffer.from('x') }).catch((e) => e)
      expect(error).toMatchObject({ code: 'EHEADER', isSafeToRetry: false })
    }
    transport.close()
  })

  it('says a reset before any answer is safe on a reused connection only (the keep-alive race)', async () => {
    const transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 1 })
    const fresh = await transport(request(`${base}/reset`)).catch((e) => e)
    expect(fresh).toMatchObject({ code: 'ECONNRESET', isSafeToRetry: false })
    await transport(request(`${base}/ok`))
    const reused = await transport(request(`${base}/reset`)).catch((e) => e)
    expect(reused).toMatchObject({ code: 'ECONNRESET', isSafeToRetry: true })
    transport.close()
  })

  it('fails requests still waiting for a connection as never sent when closed', async () => {
    const transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 1, timeoutMs: 5_000 })
    const sent = transport(request(`${base}/hang`)).catch((e) => e)
    const queued = transport(request(`${base}/ok`)).catch((e) => e)
    await new Promise((r) => setTimeout(r, 50))
    transport.close()
    expect(await sent).toMatchObject({ code: 'ECLOSED', isSafeToRetry: false })
    expect(await queued).toMatchObject({ code: 'ECLOSED', isSafeToRetry: true })
    const after = await transport(request(`${base}/ok`)).catch((e) => e)
    expect(after).toMatchObject({ code: 'ECLOSED', isSafeToRetry: true })
  })

  it('refuses a server that does not speak HTTP/1.1, as an unknown outcome', async () => {
    const garbage = net.createServer((socket) => socket.once('data', () => socket.end('SSH-2.0-x\r\n\r\n')))
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve))
    const transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 1 })
    const port = (garbage.address() as AddressInfo).port
    const error = await transport(request(`http://127.0.0.1:${port}/x`)).catch((e) => e)
    expect(error).toMatchObject({ code: 'EPROTO', isSafeToRetry: false })
    transport.close()
    await new Promise((resolve) => garbage.close(resolve))
  })
})
