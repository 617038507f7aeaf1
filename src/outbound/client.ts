import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { Agent, buildConnector, type Dispatcher } from 'undici'
import { ACCEPT_ENCODING, decodedBody, discard } from './body.js'
import {
  createGuardedLookup,
  type DialPolicy,
  REFUSED_CODE,
  refuseConnectedPeer,
  refuseLiteral,
} from './dial-guard.js'
import { OutboundError } from './errors.js'
import { checkTargetUrl, redirectTarget } from './target.js'

/**
 * The one outbound HTTP client (issue 18 part 1): every request Backlot makes to a URL it did not
 * choose — link previews now, ActivityPub fetch and delivery later — goes through it. It refuses
 * non-https schemes, credentials in URLs and every non-public address at connect time (dial-guard.ts),
 * re-checks each redirect (at most 5), and caps connect time, total time, the response head and the
 * decoded body. Web Push keeps its own tuned transport but dials through the same guard.
 */
export interface OutboundClient extends AsyncDisposable {
  /**
   * Sends one request. GET and HEAD follow redirects (each target checked like the first); other
   * methods return the 3xx as is. Resolves once the response head arrived; the body is read through
   * the response and must be consumed or cancelled. Rejects with OutboundError only.
   */
  request(request: OutboundRequest): Promise<OutboundResponse>
}

export interface OutboundRequest {
  url: string | URL
  method?: 'GET' | 'HEAD' | 'POST'
  headers?: Record<string, string>
  body?: string | Buffer
  /** A lower cap than the client's for this request's decoded body. */
  maxBodyBytes?: number
}

export interface OutboundResponse {
  /** The URL that answered, after redirects. */
  url: URL
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Decoded body chunks; throws OutboundError('body-too-large') past the cap. */
  body: AsyncIterable<Buffer>
  /** The whole decoded body. */
  bytes(): Promise<Buffer>
  /** Stops reading and frees the connection. */
  cancel(): void
}

export interface OutboundClientOptions {
  /** BACKLOT_OUTBOUND_ALLOW_HTTP: plain http allowed too (tests; private deployments). */
  allowHttp: boolean
  dial: DialPolicy
  connectTimeoutMs: number
  /** The whole exchange: every redirect, the head and the body. */
  totalTimeoutMs: number
  maxBodyBytes: number
  /** Sent as User-Agent, so a site can tell who fetches its pages. */
  userAgent: string
}

/** Redirects followed before giving up (issue 18). */
export const MAX_REDIRECTS = 5
/** Largest response head accepted; real sites send a few kB. */
export const MAX_HEADER_BYTES = 16 * 1024

export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const agent = new Agent({
    connect: guardedConnector(options),
    maxHeaderSize: MAX_HEADER_BYTES,
    keepAliveTimeout: 4_000,
    connections: 8,
  })
  return {
    request: (request) => send(agent, options, request),
    async [Symbol.asyncDispose]() {
      await agent.destroy()
    },
  }
}

/**
 * undici's connector with the dial guard around it: an IP-literal host is refused before any
 * socket exists, a name is resolved by the guarded lookup (so the socket dials only an allowed
 * address), and the peer reached is checked once more.
 */
function guardedConnector(options: OutboundClientOptions): buildConnector.connector {
  const byPort = new Map<number, buildConnector.connector>()
  // Lazily one undici connector per port: the lookup needs the port to apply the test-only
  // loopback port list, and connectors carry the TLS session cache, so they are kept.
  const connectorFor = (port: number) => {
    let connector = byPort.get(port)
    if (!connector) {
      connector = buildConnector({
        timeout: options.connectTimeoutMs,
        lookup: createGuardedLookup(options.dial, port),
      } as buildConnector.BuildOptions)
      byPort.set(port, connector)
    }
    return connector
  }
  return (target, callback) => {
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80)
    const refused = refuseLiteral(target.hostname, port, options.dial)
    if (refused) return callback(refused, null)
    return connectorFor(port)(target, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error('no socket'), null)
      const peerRefused = refuseConnectedPeer(socket as Socket, port, options.dial)
      if (peerRefused) {
        socket.destroy()
        return callback(peerRefused, null)
      }
      callback(null, socket)
    })
  }
}

async function send(
  agent: Agent,
  options: OutboundClientOptions,
  request: OutboundRequest,
): Promise<OutboundResponse> {
  const method = request.method ?? 'GET'
  const maxBodyBytes = Math.min(request.maxBodyBytes ?? options.maxBodyBytes, options.maxBodyBytes)
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new OutboundError('timeout', 'outbound request timed out')),
    options.totalTimeoutMs,
  )
  const mapError = (error: unknown) => toOutboundError(error, controller.signal)
  let url = checkTargetUrl(request.url, options.allowHttp)
  try {
    for (let hop = 0; ; hop++) {
      const response = await agent
        .request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method,
          headers: {
            'user-agent': options.userAgent,
            'accept-encoding': ACCEPT_ENCODING,
            ...request.headers,
          },
          body: request.body ?? null,
          signal: controller.signal,
          headersTimeout: options.totalTimeoutMs,
          bodyTimeout: options.totalTimeoutMs,
        })
        .catch((error) => {
          throw mapError(error)
        })
      const isRedirect =
        response.statusCode >= 300 && response.statusCode < 400 && response.statusCode !== 304
      if (!isRedirect || (method !== 'GET' && method !== 'HEAD')) {
        return toResponse(url, response, maxBodyBytes, mapError, () => clearTimeout(timer))
      }
      discard(response.body as unknown as Readable)
      if (hop >= MAX_REDIRECTS)
        throw new OutboundError('too-many-redirects', `more than ${MAX_REDIRECTS} redirects`)
      url = redirectTarget(response.headers.location, url, options.allowHttp)
    }
  } catch (error) {
    clearTimeout(timer)
    throw mapError(error)
  }
}

function toResponse(
  url: URL,
  response: Dispatcher.ResponseData,
  maxBodyBytes: number,
  mapError: (error: unknown) => OutboundError,
  onDone: () => void,
): OutboundResponse {
  const raw = response.body as unknown as Readable
  const encoding = response.headers['content-encoding']
  let body: AsyncGenerator<Buffer> | undefined
  const chunks = (): AsyncGenerator<Buffer> => {
    body ??= (async function* () {
      try {
        yield* decodedBody(raw, typeof encoding === 'string' ? encoding : undefined, maxBodyBytes, mapError)
      } finally {
        onDone()
      }
    })()
    return body
  }
  return {
    url,
    status: response.statusCode,
    headers: response.headers,
    body: { [Symbol.asyncIterator]: chunks },
    async bytes() {
      const parts: Buffer[] = []
      for await (const chunk of chunks()) parts.push(chunk)
      return Buffer.concat(parts)
    },
    cancel() {
      discard(raw)
      onDone()
      void chunks().return(undefined)
    },
  }
}

/** Any failure as an OutboundError: the guard's refusals, undici's timeouts, our own abort. */
function toOutboundError(error: unknown, signal: AbortSignal): OutboundError {
  if (error instanceof OutboundError) return error
  if (signal.aborted && signal.reason instanceof OutboundError) return signal.reason
  const codes = causeCodes(error)
  const message = error instanceof Error ? error.message : String(error)
  if (codes.includes(REFUSED_CODE)) return new OutboundError('address-refused', message, { cause: error })
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT'))
    return new OutboundError('connect-timeout', message, { cause: error })
  if (codes.includes('UND_ERR_HEADERS_OVERFLOW'))
    return new OutboundError('headers-too-large', message, { cause: error })
  if (codes.includes('UND_ERR_HEADERS_TIMEOUT') || codes.includes('UND_ERR_BODY_TIMEOUT'))
    return new OutboundError('timeout', message, { cause: error })
  return new OutboundError('network', message, { cause: error })
}

function causeCodes(error: unknown): string[] {
  const codes: string[] = []
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 5; depth++) {
    const code = (at as { code?: unknown }).code
    if (typeof code === 'string') codes.push(code)
    at = (at as { cause?: unknown }).cause
  }
  return codes
}
