import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpTransport, TransportError } from './transport.js'

/** The outbound client's refusals and failure classes, against a local server. */
describe('createHttpTransport', () => {
  let server: http.Server
  let base: string
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume()
      if (req.url === '/hang') return // never answers
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
})
