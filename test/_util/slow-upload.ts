import net from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface SlowUpload {
  /** The server's answer, whenever it comes (it never does while the server keeps waiting). */
  response: Promise<RawResponse>
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>
  /** Stops dripping and drops the connection from the client side. */
  destroy(): void
}

const BOUNDARY = 'backlot-slow-boundary'

/**
 * A multipart image upload over a raw socket that sends its headers and the start of the body
 * at once, then one byte every `dripEveryMs` (never finishing: the declared Content-Length is far
 * larger). This is the slot hog of issue 14: fetch() cannot pace a body like this.
 */
export function startSlowUpload(baseUrl: string, token: string, dripEveryMs: number): SlowUpload {
  const url = new URL(baseUrl)
  const socket = net.connect(Number(url.port), url.hostname)
  const start = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="slow.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff`,
    'latin1',
  )
  const head = [
    'POST /api/v1/media HTTP/1.1',
    `Host: ${url.host}`,
    `Authorization: Bearer ${token}`,
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
    `Content-Length: ${1_000_000}`,
    '',
    '',
  ].join('\r\n')
  let drip: NodeJS.Timeout | undefined
  socket.on('connect', () => {
    socket.write(head)
    socket.write(start)
    drip = setInterval(() => {
      if (socket.writable) socket.write(Buffer.from([0x42]))
    }, dripEveryMs)
  })
  socket.on('error', () => {}) // a reset by the server is an expected outcome
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  closed.then(() => clearInterval(drip))
  const response = new Promise<RawResponse>((resolve) => {
    let received = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const parsed = parseResponse(received)
      if (parsed) resolve(parsed)
    })
  })
  return {
    response,
    closed,
    destroy: () => {
      clearInterval(drip)
      socket.destroy()
    },
  }
}

function parseResponse(bytes: Buffer): RawResponse | undefined {
  const end = bytes.indexOf('\r\n\r\n')
  if (end === -1) return undefined
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const length = Number(headers['content-length'] ?? 0)
  if (bytes.length < end + 4 + length) return undefined
  const body = bytes.subarray(end + 4, end + 4 + length).toString('utf8')
  return { status: Number(statusLine!.split(' ')[1]), headers, body }
}
