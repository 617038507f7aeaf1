import { randomBytes } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import WebSocket from 'ws'
import type { AppContext } from '../../src/context.js'
import type { AccountRow } from '../../src/db/schema.js'
import { hashSecret, newId, newSecret } from '../../src/util/ids.js'

/** Live-stream test clients: a WebSocket client that records frames, a raw one that can stall, an SSE reader. */
export type Frame = { type: string; [key: string]: any }

export interface StreamClientOptions {
  token?: string
  cookie?: string
  origin?: string
  /** Other request headers, e.g. X-Forwarded-For. */
  headers?: Record<string, string>
  /** Connect from this local address (any of 127/8 on Linux: "another client"). */
  localAddress?: string
}

export class StreamClient {
  readonly frames: Frame[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  #waiters = new Set<() => void>()
  #closedWith = ''

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame)
      for (const wake of [...this.#waiters]) wake()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.#closedWith = `${code} ${reason.toString()}`.trim()
        resolve({ code, reason: reason.toString() })
        for (const wake of [...this.#waiters]) wake()
      })
    })
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(baseUrl: string, options: StreamClientOptions = {}): Promise<StreamClient> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.cookie) headers.cookie = options.cookie
    if (options.origin) headers.origin = options.origin
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/stream`, {
      headers,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    })
    const client = new StreamClient(ws)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client))
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString()
        })
        res.on('end', () =>
          reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })),
        )
      })
      ws.once('error', reject)
    })
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  subscribe(channel: string, since?: { epoch: string; seq: number; id?: string }): void {
    this.send(since ? { op: 'subscribe', channel, since } : { op: 'subscribe', channel })
  }

  /** Resolves with the first frame (from index `from` on) matching `match`. */
  async waitFor(match: (frame: Frame) => boolean, from = 0, timeoutMs = 15_000): Promise<Frame> {
    let found: Frame | undefined
    let checked = from
    await this.waitUntil(() => {
      for (; checked < this.frames.length && !found; checked++) {
        if (match(this.frames[checked]!)) found = this.frames[checked]
      }
      return found !== undefined
    }, timeoutMs)
    return found!
  }

  /** Resolves once `condition()` holds, checking it after each frame. */
  async waitUntil(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!condition()) {
      if (this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`socket closed (${this.#closedWith}) while waiting for a frame`)
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting; last frames: ${JSON.stringify(this.frames.slice(-5))}`)
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer)
          this.#waiters.delete(wake)
          resolve()
        }
        const timer = setTimeout(wake, 200)
        this.#waiters.add(wake)
      })
    }
  }

  events(channel?: string): Frame[] {
    return this.frames.filter((f) => f.type === 'event' && (channel === undefined || f.channel === channel))
  }

  /** Waits until `count` event frames of `channel` have arrived. */
  async waitForEvents(channel: string, count: number): Promise<Frame[]> {
    await this.waitUntil(() => this.events(channel).length >= count)
    return this.events(channel)
  }

  /** Subscribes and waits for `subscribed` (or an error/reset-free failure frame) for that channel. */
  async subscribeAndWait(
    channel: string,
    since?: { epoch: string; seq: number; id?: string },
  ): Promise<Frame> {
    const from = this.frames.length
    this.subscribe(channel, since)
    return this.waitFor((f) => f.channel === channel && (f.type === 'subscribed' || f.type === 'error'), from)
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close()
    return this.closed
  }
}

/** A client→server WebSocket text frame (clients must mask, RFC 6455 §5.3). */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  if (payload.length >= 126) throw new Error('short frames only')
  const mask = randomBytes(4)
  const frame = Buffer.alloc(6 + payload.length)
  frame[0] = 0x81
  frame[1] = 0x80 | payload.length
  mask.copy(frame, 2)
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i % 4]!
  return frame
}

/** Performs the WebSocket handshake on a raw TCP socket and returns it with the bytes after the headers. */
export async function rawWebSocket(baseUrl: string): Promise<{ socket: net.Socket; rest: Buffer }> {
  const url = new URL(baseUrl)
  const socket = net.connect(Number(url.port), url.hostname)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.write(
    'GET /api/v1/stream HTTP/1.1\r\n' +
      `Host: ${url.host}\r\n` +
      'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
      'Sec-WebSocket-Version: 13\r\n\r\n',
  )
  let buffered = Buffer.alloc(0)
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      const head = buffered.subarray(0, end).toString()
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(head.split('\r\n')[0]))
      else resolve({ socket, rest: buffered.subarray(end + 4) })
    }
    socket.on('data', onData)
  })
}

/** Inserts a session for `account` and returns its Cookie header value. */
export async function seedSessionCookie(ctx: AppContext, account: AccountRow): Promise<string> {
  const token = newSecret()
  const now = ctx.clock.now()
  await ctx.db
    .insertInto('session')
    .values({
      id: hashSecret(token),
      account_id: account.id,
      created_at: now,
      last_seen_at: now,
      expires_at: now + 3_600_000,
      public_id: newId(),
      device: null,
      network: null,
    })
    .execute()
  return `backlot_session=${token}`
}

export interface SseMessage {
  id?: string
  event?: string
  data?: string
  comment?: string
}

/** The sequence number of an SSE message's id (`<epoch>:<seq>[:<eventId>]`, docs/protocol.md). */
export function sseSeq(message: SseMessage): number | undefined {
  const seq = message.id?.split(':')[1]
  return seq === undefined ? undefined : Number(seq)
}

/** An open SSE response, parsed into messages as they arrive. */
export class SseReader {
  readonly messages: SseMessage[] = []
  status = 0
  /** Everything received, as text (a refusal's problem+json). */
  rawBody = ''
  #buffer = ''
  #ended = false
  #request: http.ClientRequest | undefined

  static open(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<SseReader> {
    const reader = new SseReader()
    return new Promise((resolve, reject) => {
      reader.#request = http.get(url, { headers, ...(localAddress ? { localAddress } : {}) }, (res) => {
        reader.status = res.statusCode ?? 0
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          reader.rawBody += chunk
          reader.#parse(chunk)
        })
        res.on('end', () => {
          reader.#ended = true
        })
        res.on('close', () => {
          reader.#ended = true
        })
        resolve(reader)
      })
      reader.#request.on('error', reject)
    })
  }

  get isEnded(): boolean {
    return this.#ended
  }

  body(): string {
    return this.messages.map((m) => m.data ?? '').join('')
  }

  async waitFor(match: (m: SseMessage) => boolean, timeoutMs = 15_000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find(match)
      if (found) return found
      if (this.#ended) throw new Error(`stream ended; messages: ${JSON.stringify(this.messages.slice(-5))}`)
      if (Date.now() > deadline) throw new Error('timed out waiting for an SSE message')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  async waitForEnd(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.#ended) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the SSE stream to end')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  close(): void {
    this.#request?.destroy()
  }

  #parse(chunk: string): void {
    this.#buffer += chunk
    for (;;) {
      const end = this.#buffer.indexOf('\n\n')
      if (end < 0) return
      const block = this.#buffer.slice(0, end)
      this.#buffer = this.#buffer.slice(end + 2)
      const message: SseMessage = {}
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) message.comment = line.slice(1).trim()
        else {
          const colon = line.indexOf(':')
          const field = line.slice(0, colon)
          const value = line.slice(colon + 1).replace(/^ /, '')
          if (field === 'data')
            message.data = message.data === undefined ? value : `${message.data}\n${value}`
          else if (field === 'id' || field === 'event') message[field] = value
        }
      }
      this.messages.push(message)
    }
  }
}
