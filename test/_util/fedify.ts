import type { webcrypto } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { createFederation, type Federation, generateCryptoKeyPair, MemoryKvStore } from '@fedify/fedify'
import { Person } from '@fedify/vocab'
import type { HostResolver } from '../../src/outbound/index.js'

/**
 * Federation test helpers (issue 18): a Fetch handler served on a loopback port, a canary listener
 * that counts connections, and a second, independent Fedify instance playing a remote server.
 */

export interface Served {
  port: number
  /** Requests seen, by `METHOD host path`. */
  seen: string[]
  close(): Promise<void>
}

/** Serves a Fetch API handler on 127.0.0.1; the request URL's host is the Host header (name-based hosting). */
export async function serveFetch(
  handler: (request: Request) => Promise<Response> | Response,
): Promise<Served> {
  const seen: string[] = []
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = `http://${req.headers.host}${req.url}`
    seen.push(`${req.method} ${req.headers.host} ${req.url}`)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks)
    try {
      const response = await handler(new Request(url, { method: req.method, headers, body }))
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch (error) {
      res.writeHead(500)
      res.end(String(error))
    }
  })
  server.keepAliveTimeout = 500
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface Canary {
  port: number
  connections(): number
  close(): Promise<void>
}

/** A loopback listener that must never be reached: it counts every connection and drops it. */
export async function startCanary(): Promise<Canary> {
  let count = 0
  const server = net.createServer((socket) => {
    count++
    socket.destroy()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Resolves every `*.test` name to 127.0.0.1 (the outbound guard then applies its loopback port list). */
export const loopbackTestResolver: HostResolver = async (hostname) => {
  if (hostname.endsWith('.test')) return [{ address: '127.0.0.1', family: 4 }]
  throw Object.assign(new Error(`test resolver: unknown host ${hostname}`), { code: 'ENOTFOUND' })
}

export interface RemoteInstance {
  federation: Federation<void>
  keys: Map<string, webcrypto.CryptoKeyPair>
  /** POST bodies its inboxes received, by path. */
  inboxPosts: { host: string; path: string; body: string }[]
  /** Answer for inbox POSTs (default 202). */
  inboxStatus: number
  /** Paths answered with a 302 to the given location. */
  redirects: Map<string, string>
}

/**
 * An independent Fedify instance (its own MemoryKvStore, no Backlot code) serving actors with RSA
 * keys, as a remote server would: `http://HOST:PORT/users/{name}` with key `…#main-key`. Its inbox
 * only records what it receives.
 */
export async function createRemoteInstance(actorNames: string[]): Promise<RemoteInstance> {
  const keys = new Map<string, webcrypto.CryptoKeyPair>()
  for (const name of actorNames) keys.set(name, await generateCryptoKeyPair('RSASSA-PKCS1-v1_5'))
  const federation = createFederation<void>({ kv: new MemoryKvStore(), allowPrivateAddress: true })
  federation
    .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
      if (!keys.has(identifier)) return null
      const pairs = await ctx.getActorKeyPairs(identifier)
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: ctx.getInboxUri(identifier),
        publicKey: pairs[0]!.cryptographicKey,
      })
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      const pair = keys.get(identifier)
      return pair ? [pair] : []
    })
  federation.setInboxListeners('/users/{identifier}/inbox', '/inbox')
  return { federation, keys, inboxPosts: [], inboxStatus: 202, redirects: new Map() }
}

/** The remote's Fetch handler: inbox POSTs recorded and answered `inboxStatus`, the rest Fedify's. */
export function remoteHandler(remote: RemoteInstance): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url)
    const location = remote.redirects.get(url.pathname)
    if (location) return new Response(null, { status: 302, headers: { location } })
    if (request.method === 'POST' && url.pathname.endsWith('inbox')) {
      remote.inboxPosts.push({ host: url.host, path: url.pathname, body: await request.text() })
      return new Response(null, { status: remote.inboxStatus })
    }
    return remote.federation.fetch(request, { contextData: undefined })
  }
}

/** Polls until `check` is true (or fails after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
