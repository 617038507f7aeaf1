/**
 * The HTTP client: same-origin JSON requests with the session cookie. Cookie writes must carry the
 * `x-backlot-csrf` header (docs/api.md "CSRF protection"). Every failure becomes an `ApiError`
 * holding the server's problem `detail`, which the UI shows as is (a 429 as "You’re doing that too
 * often — try again in 12 s."): never a blank screen.
 */
import { t } from './i18n.js'

export interface FieldError {
  in: string
  field: string
  message: string
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly errors: FieldError[]
  /** From a 429's Retry-After: how long the server asks to wait, in seconds. */
  readonly retryAfterSeconds: number | undefined
  constructor(
    status: number,
    code: string,
    detail: string,
    errors: FieldError[] = [],
    retryAfterSeconds?: number,
  ) {
    super(detail)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.detail = detail
    this.errors = errors
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * Turns any thrown value into the sentence to show the user. A rate limit (429) reads the same
 * wherever an action fails, with the wait the server asked for.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError && isRateLimit(error)) return rateLimitMessage(error.retryAfterSeconds)
  if (error instanceof ApiError) return error.detail
  if (error instanceof Error) return error.message
  return String(error)
}

/** Failed logins keep the server's own sentence ("Too many failed logins…"). */
function isRateLimit(error: ApiError): boolean {
  return error.status === 429 && error.code !== 'login-throttled'
}

export function rateLimitMessage(seconds: number | undefined): string {
  if (seconds === undefined) return t('errors.tooOftenMoment')
  const wait =
    seconds < 120
      ? `${seconds} s`
      : seconds < 7200
        ? `${Math.ceil(seconds / 60)} min`
        : `${Math.ceil(seconds / 3600)} h`
  return t('errors.tooOften', { wait })
}

/** Retry-After in seconds (the server sends seconds, never a date); undefined when absent or odd. */
function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (!header || !/^\d{1,9}$/.test(header.trim())) return undefined
  return Math.max(1, Number(header))
}

/** Parses a problem+json body (or anything else), and a 429's Retry-After, into an ApiError. */
export function toApiError(
  status: number,
  body: unknown,
  statusText = '',
  retryAfter?: string | null,
): ApiError {
  const wait = parseRetryAfter(retryAfter)
  if (body && typeof body === 'object') {
    const p = body as { code?: unknown; detail?: unknown; title?: unknown; errors?: unknown }
    const detail =
      typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `HTTP ${status}`
    const errors = Array.isArray(p.errors) ? (p.errors as FieldError[]) : []
    return new ApiError(status, typeof p.code === 'string' ? p.code : 'http', detail, errors, wait)
  }
  if (status === 0) return new ApiError(0, 'network', t('errors.network'))
  return new ApiError(
    status,
    'http',
    t('errors.http', { status: `${status} ${statusText}`.trim() }),
    [],
    wait,
  )
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } }
  const h = init.headers as Record<string, string>
  Object.assign(h, headers)
  if (WRITE.has(method)) h['x-backlot-csrf'] = '1'
  if (body instanceof Blob) {
    // A file sent as the body itself (a caption track): its own type, not JSON.
    h['content-type'] ??= body.type || 'application/octet-stream'
    init.body = body
  } else if (body !== undefined) {
    h['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let res: Response
  try {
    res = await fetch(path, init)
  } catch {
    throw toApiError(0, null)
  }
  const text = await res.text()
  let parsed: unknown = null
  if (text) {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = null
    }
  }
  if (!res.ok) throw toApiError(res.status, parsed, res.statusText, res.headers.get('retry-after'))
  return parsed as T
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    request<T>('POST', path, body, headers),
  put: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    request<T>('PUT', path, body, headers),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T = null>(path: string) => request<T>('DELETE', path),
}

/** `/api/v1/channels/{slug}` + rest, with the slug escaped. */
export function channelPath(slug: string, rest = ''): string {
  return `/api/v1/channels/${encodeURIComponent(slug)}${rest}`
}

export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

export interface UploadHandle<T> {
  promise: Promise<T>
  abort(): void
}

/**
 * Uploads a multipart form with XMLHttpRequest, because fetch cannot report upload progress.
 * `onProgress` gets 0..1 as bytes leave the browser.
 */
export function uploadForm<T>(
  path: string,
  form: FormData,
  onProgress: (f: number) => void,
): UploadHandle<T> {
  const xhr = new XMLHttpRequest()
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', path)
    xhr.withCredentials = true
    xhr.setRequestHeader('x-backlot-csrf', '1')
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve(body as T)
      } else reject(toApiError(xhr.status, body, xhr.statusText, xhr.getResponseHeader('retry-after')))
    }
    xhr.onerror = () => reject(toApiError(0, null))
    xhr.onabort = () => reject(new ApiError(0, 'aborted', t('errors.aborted')))
    xhr.send(form)
  })
  return { promise, abort: () => xhr.abort() }
}
