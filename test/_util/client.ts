/** A small HTTP client for integration tests: JSON in, status + headers + parsed body out. */
export interface ApiResponse<T = any> {
  status: number
  headers: Headers
  body: T
}

export interface ClientOptions {
  token?: string
  /** Raw Cookie header value, e.g. `backlot_session=…`. */
  cookie?: string
  headers?: Record<string, string>
}

export type Client = ReturnType<typeof client>

export function client(baseUrl: string, options: ClientOptions = {}) {
  async function request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers, ...extraHeaders }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.cookie) {
      headers.cookie = options.cookie
      headers['x-backlot-csrf'] ??= '1'
    }
    let payload: string | undefined
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body)
      headers['content-type'] ??= 'application/json'
    }
    const res = await fetch(baseUrl + path, { method, headers, body: payload })
    const text = await res.text()
    const type = res.headers.get('content-type') ?? ''
    const parsed = text && type.includes('json') ? JSON.parse(text) : text
    return { status: res.status, headers: res.headers, body: parsed as T }
  }
  return {
    request,
    get: <T = any>(path: string, headers?: Record<string, string>) =>
      request<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      request<T>('POST', path, body ?? {}, headers),
    put: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      request<T>('PUT', path, body ?? {}, headers),
    patch: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      request<T>('PATCH', path, body ?? {}, headers),
    delete: <T = any>(path: string, headers?: Record<string, string>) =>
      request<T>('DELETE', path, undefined, headers),
  }
}
