import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isLoopbackAddress, isPublicAddress, unbracket } from './addresses.js'

/**
 * The outbound HTTP client push uses (DESIGN rule 7): it refuses private, loopback and link-local
 * addresses when it connects — after DNS, so a name that rebinds to an internal address is caught
 * — caps time and response size, and never follows redirects. Keep-alive agents, one pool per
 * push service host.
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
}

const RESPONSE_BYTES_KEPT = 1024

export function createHttpTransport(options: HttpTransportOptions): PushTransport & { close(): void } {
  const lookup = safeLookup(options.allowLoopback)
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSocketsPerHost,
    timeout: options.timeoutMs ?? 30_000,
  }
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) }

  const send: PushTransport = (request) =>
    new Promise((resolve, reject) => {
      const host = unbracket(request.url.hostname)
      if (isIP(host) && !isAllowedLiteral(host, options.allowLoopback)) {
        reject(new TransportError(`${host} is not a public address`, 'EPRIVATE', false))
        return
      }
      const isHttps = request.url.protocol === 'https:'
      request.headers['content-length'] = String(request.body.length)
      const req = (isHttps ? https : http).request(request.url, {
        method: 'POST',
        headers: request.headers,
        agent: isHttps ? agents.https : agents.http,
        lookup,
      })
      // The agents' socket timeout makes the request emit 'timeout' (cheaper than a timer per request).
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
      req.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? 'EUNKNOWN'
        // Node's advice for keep-alive: a reused socket the server had just closed never carried
        // the request. Anything else after the request was written may have been delivered.
        const isSafe = !req.writableFinished || (req.reusedSocket && code === 'ECONNRESET')
        reject(new TransportError(error.message, code, code !== 'EPRIVATE' && isSafe))
      })
      req.on('response', (res) => {
        const status = res.statusCode ?? 0
        const retryAfter = res.headers['retry-after']
        if (status < 300) {
          // Accepted: the body (usually empty) is of no interest.
          res.on('end', () => resolve({ status, retryAfter, body: '' }))
          res.on('error', () => resolve({ status, retryAfter, body: '' }))
          res.resume()
          return
        }
        const chunks: Buffer[] = []
        let kept = 0
        res.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_BYTES_KEPT) chunks.push(chunk.subarray(0, RESPONSE_BYTES_KEPT - kept))
          kept += chunk.length
        })
        res.on('end', () => resolve({ status, retryAfter, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', () => resolve({ status, retryAfter, body: '' }))
      })
      req.end(request.body)
    })

  return Object.assign(send, {
    close() {
      agents.http.destroy()
      agents.https.destroy()
    },
  })
}

function isAllowed(address: string, allowLoopback: boolean): boolean {
  return isPublicAddress(address) || (allowLoopback && isLoopbackAddress(address))
}

/** Verdicts on IP-literal hosts, cached: a fan-out asks about the same few hosts again and again. */
const literalVerdicts = new Map<string, boolean>()

function isAllowedLiteral(host: string, allowLoopback: boolean): boolean {
  const key = `${allowLoopback ? 'l' : 'p'}${host}`
  let verdict = literalVerdicts.get(key)
  if (verdict === undefined) {
    if (literalVerdicts.size >= 10_000) literalVerdicts.clear()
    verdict = isAllowed(host, allowLoopback)
    literalVerdicts.set(key, verdict)
  }
  return verdict
}

/** dns.lookup that drops non-public addresses and fails when none is left (checked at connect). */
function safeLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0)
      const allowed = addresses.filter((a) => isAllowed(a.address, allowLoopback))
      if (allowed.length === 0) {
        const refused = Object.assign(new Error(`${hostname} resolves only to non-public addresses`), {
          code: 'EPRIVATE',
        })
        return callback(refused, '', 0)
      }
      // biome-ignore lint/suspicious/noExplicitAny: Node calls with all: true since autoSelectFamily.
      if (options.all) return (callback as any)(null, allowed)
      callback(null, allowed[0]!.address, allowed[0]!.family)
    })
  }
}
