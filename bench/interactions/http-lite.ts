import net from 'node:net'

/**
 * A minimal keep-alive HTTP/1.1 client for load generation: one request in flight per connection,
 * responses framed by Content-Length. Like ws-lite, it exists because the load generator shares a
 * 2-core machine with the server: a full client (fetch/undici) spends more CPU per request than
 * it leaves the server, so the benchmark would measure the client.
 */
export interface LiteResponse {
  status: number
  body: string
}

export class LiteHttpConnection {
  #socket: net.Socket
  #buffer: Buffer = Buffer.alloc(0)
  #pending: { resolve: (r: LiteResponse) => void; reject: (e: Error) => void } | undefined

  private constructor(
    socket: net.Socket,
    private readonly host: string,
  ) {
    this.#socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', (error) => this.#pending?.reject(error))
    socket.on('close', () => this.#pending?.reject(new Error('connection closed')))
  }

  static connect(host: string, port: number): Promise<LiteHttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port })
      socket.once('connect', () => resolve(new LiteHttpConnection(socket, `${host}:${port}`)))
      socket.once('error', reject)
    })
  }

  request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<LiteResponse> {
    if (this.#pending) throw new Error('one request at a time')
    const payload = body === undefined ? '' : body
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\n`
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`
    if (body !== undefined)
      head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n`
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject }
      this.#socket.write(`${head}\r\n${payload}`)
    })
  }

  close(): void {
    this.#socket.destroy()
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    const end = this.#buffer.indexOf('\r\n\r\n')
    if (end < 0) return
    const head = this.#buffer.subarray(0, end).toString('latin1')
    const match = /\r\ncontent-length: *(\d+)/i.exec(head)
    const length = match ? Number(match[1]) : 0
    if (this.#buffer.length < end + 4 + length) return
    const status = Number(head.slice(9, 12))
    const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8')
    this.#buffer = this.#buffer.subarray(end + 4 + length)
    const pending = this.#pending
    this.#pending = undefined
    pending?.resolve({ status, body })
  }
}
