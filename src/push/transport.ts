import { isIP } from 'node:net'
import { createGuardedLookup, type DialPolicy, isAllowedAddress, unbracket } from '../outbound/index.js'
import { type ConnectionFailure, type ConnectionTarget, PushConnection } from './http1-connection.js'
import type { ParsedResponse } from './http1-response.js'

/**
 * The outbound HTTP client push uses (DESIGN rule 7): it refuses private, loopback and link-local
 * addresses when it connects — after DNS, so a name that rebinds to an internal address is caught
 * — caps time and response size, and never follows redirects. It dials through the same guard as
 * the one outbound client (src/outbound/dial-guard.ts: the socket's `lookup` hook and the literal
 * check) but keeps its own connections rather than using that client: this hand-rolled HTTP/1
 * pool is what bench:push measures, and a request through undici's Agent costs more per message
 * at fan-out rates; the guard, not the HTTP machinery, is what must be shared (issue 18). Keep-alive connections, a pool of
 * at most `maxSocketsPerHost` per push service origin, one request at a time on each
 * (http1-connection.ts says why this is not node:http).
 */
export interface PushRequest {
  url: URL
  headers: Record<string, string>
  body: Buffer
}

export interface PushResponse {
  status: number
  /** The Retry-After header, if any. */
  retryAfter: string | undefined
  /** The first bytes of the response body, for logs. */
  body: string
}

/** Sends one request; rejects with TransportError when no response arrives. */
export type PushTransport = (request: PushRequest) => Promise<PushResponse>

export class TransportError extends Error {
  override name = 'TransportError'
  constructor(
    message: string,
    readonly code: string,
    /** True when the request certainly did not reach the push service, so sending again is safe. */
    readonly isSafeToRetry: boolean,
  ) {
    super(message)
  }
}

export interface HttpTransportOptions {
  allowLoopback: boolean
  maxSocketsPerHost: number
  timeoutMs?: number
  /** An unused connection is closed after this long (default 4 s, under Node's 5 s server default). */
  idleMs?: number
}

interface Waiting {
  bytes: Buffer
  resolve(response: PushResponse): void
  reject(error: TransportError): void
}

/** The connections to one push service origin and the requests waiting for one of them. */
interface OriginPool {
  target: ConnectionTarget
  idle: PushConnection[]
  open: number
  waiting: Waiting[]
}

export function createHttpTransport(options: HttpTransportOptions): PushTransport & { close(): void } {
  // Push's test setting lets every loopback port through (push services on loopback in tests).
  const dial: DialPolicy = { loopbackPorts: options.allowLoopback ? 'any' : new Set() }
  const pools = new Map<string, OriginPool>()
  const all = new Set<PushConnection>()
  let isClosed = false

  function poolFor(url: URL): OriginPool {
    const key = url.origin
    let pool = pools.get(key)
    if (!pool) {
      const isTls = url.protocol === 'https:'
      const port = Number(url.port) || (isTls ? 443 : 80)
      const target: ConnectionTarget = {
        host: unbracket(url.hostname),
        port,
        isTls,
        lookup: createGuardedLookup(dial, port),
        timeoutMs: options.timeoutMs ?? 30_000,
        idleMs: options.idleMs ?? 4_000,
      }
      pool = { target, idle: [], open: 0, waiting: [] }
      pools.set(key, pool)
    }
    return pool
  }

  function dispatch(connection: PushConnection, request: Waiting): void {
    connection.send({
      bytes: request.bytes,
      resolve: (response) => request.resolve(toPushResponse(response)),
      reject: (failure) => request.reject(toTransportError(failure)),
    })
  }

  function openConnection(pool: OriginPool, key: string): PushConnection {
    pool.open++
    const connection = new PushConnection(
      pool.target,
      (idle) => {
        const next = pool.waiting.shift()
        if (next) dispatch(idle, next)
        else pool.idle.push(idle)
      },
      (closed) => {
        all.delete(closed)
        pool.open--
        const at = pool.idle.indexOf(closed)
        if (at >= 0) pool.idle.splice(at, 1)
        const next = isClosed ? undefined : pool.waiting.shift()
        if (next) dispatch(openConnection(pool, key), next)
        else if (pool.open === 0 && pool.waiting.length === 0) pools.delete(key)
      },
    )
    all.add(connection)
    return connection
  }

  const send: PushTransport = (request) =>
    new Promise((resolve, reject) => {
      const host = unbracket(request.url.hostname)
      const port = Number(request.url.port) || (request.url.protocol === 'https:' ? 443 : 80)
      if (isIP(host) && !isAllowedLiteral(host, port, dial)) {
        reject(new TransportError(`${host} is not a public address`, 'EPRIVATE', false))
        return
      }
      if (isClosed) {
        reject(new TransportError('push transport closed', 'ECLOSED', true))
        return
      }
      let bytes: Buffer
      try {
        bytes = encodeRequest(request)
      } catch (error) {
        reject(error)
        return
      }
      const pool = poolFor(request.url)
      const waiting: Waiting = { bytes, resolve, reject }
      let idle = pool.idle.pop()
      while (idle && !idle.isUsable) idle = pool.idle.pop()
      if (idle) dispatch(idle, waiting)
      else if (pool.open < options.maxSocketsPerHost)
        dispatch(openConnection(pool, request.url.origin), waiting)
      else pool.waiting.push(waiting)
    })

  return Object.assign(send, {
    close() {
      isClosed = true
      for (const pool of pools.values()) {
        for (const waiting of pool.waiting.splice(0)) {
          waiting.reject(new TransportError('push transport closed', 'ECLOSED', true))
        }
      }
      for (const connection of all) connection.close()
    },
  })
}

/**
 * The request as bytes: head and body in one buffer, so it leaves in one write. Header values come
 * from this server (VAPID token, TTL, Topic…) and the path from a WHATWG URL, which escapes
 * controls and spaces; a header with a control character (CR, LF…) would split the request, so it
 * is refused.
 */
function encodeRequest(request: PushRequest): Buffer {
  const { url, headers, body } = request
  let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-length: ${body.length}\r\n`
  for (const name in headers) {
    const value = headers[name]!
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) {
      throw new TransportError(`header ${JSON.stringify(name)} is not a valid field`, 'EHEADER', false)
    }
    const lower = name.toLowerCase()
    if (lower !== 'host' && lower !== 'content-length') head += `${name}: ${value}\r\n`
  }
  head += '\r\n'
  const bytes = Buffer.allocUnsafe(head.length + body.length)
  bytes.write(head, 0, 'latin1')
  body.copy(bytes, head.length)
  return bytes
}

/** RFC 9110 §5.1 field names and §5.5 field values (visible ASCII, space, tab; no obs-text). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const FIELD_VALUE = /^[\t\x20-\x7e]*$/

function toPushResponse(response: ParsedResponse): PushResponse {
  const body = response.body ? Buffer.from(response.body, 'latin1').toString('utf8') : ''
  return { status: response.status, retryAfter: response.retryAfter, body }
}

function toTransportError(failure: ConnectionFailure): TransportError {
  return new TransportError(failure.message, failure.code, failure.isSafeToRetry)
}

/** Verdicts on IP-literal hosts, cached: a fan-out asks about the same few hosts again and again. */
const literalVerdicts = new Map<string, boolean>()

function isAllowedLiteral(host: string, port: number, policy: DialPolicy): boolean {
  const key = `${policy.loopbackPorts === 'any' ? 'l' : 'p'}${host}`
  let verdict = literalVerdicts.get(key)
  if (verdict === undefined) {
    if (literalVerdicts.size >= 10_000) literalVerdicts.clear()
    verdict = isAllowedAddress(host, port, policy)
    literalVerdicts.set(key, verdict)
  }
  return verdict
}
