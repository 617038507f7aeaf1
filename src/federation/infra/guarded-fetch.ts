import { AsyncLocalStorage } from 'node:async_hooks'
import { type OutboundClient, OutboundError, type OutboundResponse } from '../../outbound/index.js'

/**
 * Fedify's outbound requests through Backlot's guarded client (src/outbound; DESIGN rule 7).
 *
 * Why a scoped replacement of the global `fetch`: Fedify 2.3.6 lets us supply the document and
 * context loaders (loaders.ts), but it sends deliveries (`sendActivityInternal` →
 * `doubleKnock`), WebFinger lookups and NodeInfo fetches by calling the global `fetch` directly,
 * with no option to pass a fetch function or an undici dispatcher. Replacing `globalThis.fetch`
 * for the whole process would also capture requests Backlot means to make to its own network
 * (S3 on a private address, tests' loopback servers). So the replacement is installed once and is
 * a pass-through except inside `withGuardedFetch(scope, work)`: an AsyncLocalStorage context that
 * the federation queue workers (every outbox, fanout and inbox job, message-queue.ts) and the
 * loaders run in. Inside it, every `fetch` Fedify makes goes through the guarded client — the
 * address checked at connect time, redirects re-validated, size and time capped — and through the
 * scope's `before`/`after` hooks (block list, delivery health). Outside it nothing changes.
 */
export interface FetchScope {
  outbound: OutboundClient
  /** Sent as User-Agent on every request (Fedify's own is replaced). */
  userAgent: string
  /** May answer in place of the network (a blocked or dead instance): nothing is dialled then. */
  before?(url: URL, method: string): Promise<Response | null>
  /** Hears how each request that went out ended: a status, or the transport error. */
  after?(url: URL, method: string, outcome: { status: number } | { error: unknown }): Promise<void>
}

type FetchInput = Parameters<typeof fetch>[0]

const scopes = new AsyncLocalStorage<FetchScope>()
let originalFetch: typeof fetch | undefined

/** Runs `work` with every global `fetch` it causes going through `scope` (installs the hook once). */
export function withGuardedFetch<T>(scope: FetchScope, work: () => Promise<T>): Promise<T> {
  installFetchHook()
  return scopes.run(scope, work)
}

/** Whether code running now is inside a guarded-fetch scope (tests, assertions). */
export function isGuardedFetchActive(): boolean {
  return scopes.getStore() !== undefined
}

function installFetchHook(): void {
  if (originalFetch) return
  const passThrough = globalThis.fetch
  originalFetch = passThrough
  globalThis.fetch = function scopedFetch(input: FetchInput, init?: RequestInit) {
    const scope = scopes.getStore()
    return scope ? guardedFetch(scope, input, init) : passThrough(input, init)
  } as typeof fetch
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/**
 * `fetch` semantics over the guarded client. GET and HEAD redirects are followed by the client,
 * each target re-checked, whatever `redirect` says (Fedify's manual redirect handling then sees
 * the final answer, with `response.url` set to where it came from, which Fedify's origin checks
 * read). The request's abort signal is not passed on: the client's own total timeout bounds it.
 */
async function guardedFetch(scope: FetchScope, input: FetchInput, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init)
  const url = new URL(request.url)
  const method = request.method.toUpperCase()
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    throw new TypeError(`fetch failed: method ${method} is not sent by Backlot's federation`)
  }
  const answered = await scope.before?.(url, method)
  if (answered) return answered
  const headers = Object.fromEntries(request.headers)
  headers['user-agent'] = scope.userAgent
  let response: OutboundResponse
  try {
    response = await scope.outbound.request({
      url,
      method,
      headers,
      body: method === 'POST' ? Buffer.from(await request.arrayBuffer()) : undefined,
    })
  } catch (error) {
    await scope.after?.(url, method, { error })
    // What fetch itself throws on a network failure, with the guard's reason as the cause.
    throw new TypeError(`fetch failed: ${error instanceof OutboundError ? error.code : 'network'}`, {
      cause: error,
    })
  }
  await scope.after?.(url, method, { status: response.status })
  return toFetchResponse(response)
}

function toFetchResponse(response: OutboundResponse): Response {
  const headers = new Headers()
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  // The client already decoded the body: the length and encoding of the wire no longer apply.
  headers.delete('content-encoding')
  headers.delete('content-length')
  let body: ReadableStream<Uint8Array> | null = null
  if (NULL_BODY_STATUSES.has(response.status)) response.cancel()
  else {
    const chunks = response.body[Symbol.asyncIterator]()
    body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await chunks.next()
          if (next.done) controller.close()
          else controller.enqueue(new Uint8Array(next.value))
        } catch (error) {
          controller.error(error)
        }
      },
      cancel() {
        response.cancel()
      },
    })
  }
  const result = new Response(body, { status: response.status, headers })
  Object.defineProperty(result, 'url', { value: response.url.href })
  return result
}
