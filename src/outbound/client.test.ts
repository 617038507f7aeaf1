import { once } from 'node:events'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createOutboundClient,
  MAX_REDIRECTS,
  type OutboundClient,
  type OutboundClientOptions,
} from './client.js'
import type { HostResolver } from './dial-guard.js'
import { OutboundError } from './errors.js'

/**
 * The SSRF corpus and the hostile servers of issue 18 part 1. Canary listeners on loopback count
 * every connection they get: the corpus must leave them at zero. The test site's port is the only
 * loopback port the client may dial (the test-only `loopbackPorts` list).
 */
let canary: net.Server
let canaryPort: number
let canaryConnections = 0
let site: http.Server
let sitePort: number
const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)) // 64 MiB of zeros in ~64 kB
const openSockets = new Set<net.Socket>()

beforeAll(async () => {
  canary = net.createServer((socket) => {
    canaryConnections++
    socket.destroy()
  })
  canary.listen(0, '127.0.0.1')
  await once(canary, 'listening')
  canaryPort = (canary.address() as AddressInfo).port
  site = http.createServer(hostileSite)
  site.on('connection', (socket) => {
    openSockets.add(socket)
    socket.on('close', () => openSockets.delete(socket))
  })
  site.listen(0, '127.0.0.1')
  await once(site, 'listening')
  sitePort = (site.address() as AddressInfo).port
})

afterAll(async () => {
  for (const socket of openSockets) socket.destroy()
  await new Promise((resolve) => site.close(resolve))
  await new Promise((resolve) => canary.close(resolve))
})

function hostileSite(request: http.IncomingMessage, response: http.ServerResponse): void {
  const path = new URL(request.url ?? '/', 'http://x').pathname
  const redirect = /^\/redirect\/(\d+)\/(\d+)$/.exec(path)
  if (redirect) {
    const [left, total] = [Number(redirect[1]), Number(redirect[2])]
    if (left === 0) response.end('arrived')
    else response.writeHead(302, { location: `/redirect/${left - 1}/${total}` }).end()
    return
  }
  switch (path) {
    case '/page':
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' })
      response.end(zlib.gzipSync('<html><head><title>Hello</title></head></html>'))
      return
    case '/bomb':
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' })
      response.end(bomb)
      return
    case '/endless': {
      response.writeHead(200, { 'content-type': 'text/html' })
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const write = () => {
        while (!response.destroyed && response.write(chunk)) {}
        if (!response.destroyed) response.once('drain', write)
      }
      write()
      return
    }
    case '/drip': {
      response.writeHead(200, { 'content-type': 'text/html' })
      const timer = setInterval(() => response.write('a'), 50)
      response.on('close', () => clearInterval(timer))
      return
    }
    case '/title':
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end(`<html><head><title>${'t'.repeat(1024 * 1024)}</title></head></html>`)
      return
    case '/huge-headers':
      response.writeHead(200, { 'x-padding': 'p'.repeat(64 * 1024) })
      response.end('ok')
      return
    case '/to-canary':
      response.writeHead(302, { location: `http://127.0.0.1:${canaryPort}/` }).end()
      return
    case '/to-mapped-canary':
      response.writeHead(301, { location: `http://[::ffff:7f00:1]:${canaryPort}/` }).end()
      return
    case '/to-file':
      response.writeHead(302, { location: 'file:///etc/passwd' }).end()
      return
    default:
      response.writeHead(404).end()
  }
}

function clientWith(overrides: Partial<OutboundClientOptions> = {}): OutboundClient {
  return createOutboundClient({
    allowHttp: true,
    dial: { loopbackPorts: new Set([sitePort]) },
    connectTimeoutMs: 2_000,
    totalTimeoutMs: 2_000,
    maxBodyBytes: 256 * 1024,
    userAgent: 'BacklotTest',
    ...overrides,
  })
}

async function failureOf(client: OutboundClient, url: string): Promise<string> {
  try {
    const response = await client.request({ url })
    await response.bytes()
  } catch (error) {
    if (error instanceof OutboundError) return error.code
    throw error
  }
  return 'no error'
}

describe('the outbound client, SSRF corpus', () => {
  let client: OutboundClient
  beforeAll(() => {
    client = clientWith()
  })
  afterAll(async () => {
    await client[Symbol.asyncDispose]()
  })

  it('fetches from the allowed test site and decodes gzip', async () => {
    const response = await client.request({ url: `http://127.0.0.1:${sitePort}/page` })
    expect(response.status).toBe(200)
    expect((await response.bytes()).toString()).toContain('<title>Hello</title>')
  })

  it.each([
    ['http://0x7f.1:PORT/', 'hex IPv4'],
    ['http://2130706433:PORT/', 'one-number IPv4'],
    ['http://127.1:PORT/', 'short IPv4'],
    ['http://0177.0.0.1:PORT/', 'octal IPv4'],
    ['http://127.0.0.1:PORT/', 'plain loopback'],
    ['http://0.0.0.0:PORT/', '"this host"'],
    ['http://[::ffff:127.0.0.1]:PORT/', 'IPv4-mapped IPv6'],
    ['http://[::127.0.0.1]:PORT/', 'IPv4-compatible IPv6'],
    ['http://[::1]:PORT/', 'IPv6 loopback'],
    ['http://[64:ff9b::7f00:1]:PORT/', 'NAT64 of loopback'],
    ['http://[2002:7f00:1::]:PORT/', '6to4 of loopback'],
    ['http://localhost:PORT/', 'a name for loopback'],
    ['http://127.0.0.1:PORT#@example.com', 'fragment trick'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['http://[fd00:ec2::254]/', 'AWS IPv6 metadata'],
    ['http://10.0.0.1/', 'private 10/8'],
    ['http://172.16.0.1/', 'private 172.16/12'],
    ['http://192.168.1.1/', 'private 192.168/16'],
    ['http://100.64.0.1/', 'CGNAT'],
    ['http://[fe80::1]/', 'IPv6 link-local'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://240.0.0.1/', 'reserved'],
  ])('refuses %s (%s) without connecting', async (template) => {
    const before = canaryConnections
    expect(await failureOf(client, template.replace('PORT', String(canaryPort)))).toBe('address-refused')
    expect(canaryConnections).toBe(before)
  })

  it.each([
    ['file:///etc/passwd', 'scheme-refused'],
    ['gopher://127.0.0.1:PORT/_', 'scheme-refused'],
    ['ftp://127.0.0.1:PORT/', 'scheme-refused'],
    ['https://evil@127.0.0.1:PORT/', 'userinfo-refused'],
    ['https://user:pass@example.com/', 'userinfo-refused'],
    ['not a url', 'url-invalid'],
  ])('refuses %s before any network', async (template, code) => {
    expect(await failureOf(client, template.replace('PORT', String(canaryPort)))).toBe(code)
    expect(canaryConnections).toBe(0)
  })

  it('refuses plain http unless configured', async () => {
    const httpsOnly = clientWith({ allowHttp: false })
    expect(await failureOf(httpsOnly, `http://127.0.0.1:${sitePort}/page`)).toBe('scheme-refused')
    await httpsOnly[Symbol.asyncDispose]()
  })

  it('checks every redirect target again', async () => {
    for (const path of ['/to-canary', '/to-mapped-canary']) {
      expect(await failureOf(client, `http://127.0.0.1:${sitePort}${path}`)).toBe('address-refused')
    }
    expect(await failureOf(client, `http://127.0.0.1:${sitePort}/to-file`)).toBe('scheme-refused')
    expect(canaryConnections).toBe(0)
  })

  it(`follows ${MAX_REDIRECTS} redirects and refuses the sixth (20 in the chain)`, async () => {
    const five = await client.request({ url: `http://127.0.0.1:${sitePort}/redirect/${MAX_REDIRECTS}/5` })
    expect((await five.bytes()).toString()).toBe('arrived')
    expect(five.url.pathname).toBe('/redirect/0/5')
    expect(await failureOf(client, `http://127.0.0.1:${sitePort}/redirect/20/20`)).toBe('too-many-redirects')
  })

  it('survives DNS rebinding: a name that answered a public address, then loopback, never reaches loopback', async () => {
    let calls = 0
    const rebinding: HostResolver = async () =>
      calls++ === 0 ? [{ address: '8.8.8.8', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]
    const rebound = clientWith({
      dial: { loopbackPorts: new Set([sitePort]), resolve: rebinding },
      connectTimeoutMs: 300,
    })
    // The public first answer is dialled (and fails here one way or another: no route, timeout).
    expect(await failureOf(rebound, `http://rebind.test:${canaryPort}/`)).not.toBe('address-refused')
    expect(await failureOf(rebound, `http://rebind.test:${canaryPort}/`)).toBe('address-refused')
    expect(calls).toBe(2)
    await rebound[Symbol.asyncDispose]()
    expect(canaryConnections).toBe(0)
  })
})

describe('the outbound client against hostile servers', () => {
  let client: OutboundClient
  beforeAll(() => {
    client = clientWith()
  })
  afterAll(async () => {
    await client[Symbol.asyncDispose]()
  })

  it('stops a gzip bomb at the decoded-size cap', async () => {
    expect(await failureOf(client, `http://127.0.0.1:${sitePort}/bomb`)).toBe('body-too-large')
  })

  it('stops an endless body at the cap', async () => {
    expect(await failureOf(client, `http://127.0.0.1:${sitePort}/endless`)).toBe('body-too-large')
  })

  it('stops a slow drip at the total timeout', async () => {
    const quick = clientWith({ totalTimeoutMs: 500 })
    expect(await failureOf(quick, `http://127.0.0.1:${sitePort}/drip`)).toBe('timeout')
    await quick[Symbol.asyncDispose]()
  })

  it('stops a 1 MB <title> at the cap', async () => {
    expect(await failureOf(client, `http://127.0.0.1:${sitePort}/title`)).toBe('body-too-large')
  })

  it('refuses a response head over the header cap', async () => {
    expect(await failureOf(client, `http://127.0.0.1:${sitePort}/huge-headers`)).toBe('headers-too-large')
  })

  it('lets a caller stop reading early and reuse the client', async () => {
    const response = await client.request({ url: `http://127.0.0.1:${sitePort}/endless` })
    for await (const chunk of response.body) {
      expect(chunk.length).toBeGreaterThan(0)
      break
    }
    const next = await client.request({ url: `http://127.0.0.1:${sitePort}/page` })
    expect(next.status).toBe(200)
    await next.bytes()
  })
})
