import http from 'node:http'
import net from 'node:net'

/**
 * Raw TCP connections for connection-limit tests (issue 14): a client that sends nothing, dribbles
 * headers or never finishes a body, from a chosen loopback address (Linux routes all of 127/8 to
 * the loopback interface, so 127.0.0.2 is "another client" on the same machine).
 */
export class RawConnection {
  received = ''
  isClosed = false
  readonly #socket: net.Socket
  readonly #closed: Promise<void>

  private constructor(socket: net.Socket) {
    this.#socket = socket
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      this.received += chunk
    })
    socket.on('error', () => {}) // a reset is one way of being closed
    this.#closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true
        resolve()
      }),
    )
  }

  static async open(baseUrl: string, localAddress = '127.0.0.1'): Promise<RawConnection> {
    const url = new URL(baseUrl)
    const socket = net.connect({ host: url.hostname, port: Number(url.port), localAddress })
    const connection = new RawConnection(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return connection
  }

  write(data: string | Buffer): void {
    if (!this.isClosed) this.#socket.write(data)
  }

  /** Resolves once the server closed the connection; throws after `timeoutMs` (it stayed open). */
  async waitClosed(timeoutMs = 15_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      await Promise.race([this.#closed, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Whether the connection is still open after `ms` (the server did not close it). */
  async isOpenAfter(ms: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ms))
    return !this.isClosed
  }

  destroy(): void {
    this.#socket.destroy()
  }
}

/** GET `path` on a fresh connection from `localAddress`; resolves with the status and body. */
export function getFrom(
  baseUrl: string,
  path: string,
  localAddress: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, { localAddress, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
  })
}

/** Sleeps; for pacing a slow client, never for asserting how long something took. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
