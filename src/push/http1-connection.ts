import net, { isIP, type LookupFunction } from 'node:net'
import tls from 'node:tls'
import { type ParsedResponse, type ProtocolError, ResponseParser } from './http1-response.js'

/**
 * One keep-alive HTTP/1.1 connection to a push service, carrying one request at a time. Why not
 * node:http: its ClientRequest/IncomingMessage machinery cost 90–130 µs of CPU per request against
 * the loopback push service, this ~50 µs (undici's Pool: ~90; node:http2: ~105) — at 3,000
 * messages a second, a fifth of a core. A push request is a POST with a small body and a small
 * answer; this is all of HTTP/1.1 it needs.
 *
 * No pipelining, although it measured ~10 µs less per request: when a connection dies, every
 * request written but unanswered may or may not have been delivered, so at most once would lose
 * all of them rather than one; and a push service need not handle pipelined POSTs well.
 */
export interface ConnectionTarget {
  /** Hostname or IP literal (no brackets). */
  host: string
  port: number
  isTls: boolean
  /** Refuses non-public addresses after DNS (transport.ts). */
  lookup: LookupFunction
  /** No byte sent or received for this long while a request is open: the request fails. */
  timeoutMs: number
  /** Closed after this long without a request, before a server's own keep-alive timeout. */
  idleMs: number
}

export interface ConnectionFailure {
  code: string
  message: string
  /** True when the request certainly did not reach the push service. */
  isSafeToRetry: boolean
}

export interface Exchange {
  /** The request: head and body in one buffer, written with one call. */
  bytes: Buffer
  resolve(response: ParsedResponse): void
  reject(failure: ConnectionFailure): void
}

export class PushConnection {
  private readonly socket: net.Socket
  private exchange: Exchange | null = null
  private parser: ResponseParser | null = null
  private isConnected = false
  private isClosed = false
  /** Responses completed on this connection: a request written after one rides a reused socket. */
  private served = 0
  private isReusedForCurrent = false

  constructor(
    private readonly target: ConnectionTarget,
    /** Called when the connection can take the next request. */
    private readonly onIdle: (connection: PushConnection) => void,
    /** Called once, when the connection is gone. */
    private readonly onClose: (connection: PushConnection) => void,
  ) {
    const options = { host: target.host, port: target.port, lookup: target.lookup }
    this.socket = target.isTls
      ? tls.connect({
          ...options,
          servername: isIP(target.host) ? undefined : target.host,
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect(options)
    this.socket.setNoDelay(true)
    this.socket.setEncoding('latin1')
    this.socket.setTimeout(target.timeoutMs)
    this.socket.once(target.isTls ? 'secureConnect' : 'connect', () => {
      this.isConnected = true
    })
    this.socket.on('data', (data: string) => this.onData(data))
    this.socket.on('end', () => this.onEnd())
    this.socket.on('timeout', () => this.onTimeout())
    this.socket.on('error', (error: NodeJS.ErrnoException) => {
      this.fail(error.code ?? 'EUNKNOWN', error.message)
    })
    this.socket.on('close', () => {
      this.fail('ECONNRESET', 'socket closed')
      this.isClosed = true
      this.onClose(this)
    })
  }

  /** Idle and open: the server has not closed it (its 'close' event may still be on its way). */
  get isUsable(): boolean {
    return this.exchange === null && !this.isClosed && !this.socket.destroyed
  }

  /** Writes the request; the exchange settles with the response or a failure, never both. */
  send(exchange: Exchange): void {
    if (!this.isUsable) {
      exchange.reject({ code: 'ECONNRESET', message: 'connection not available', isSafeToRetry: true })
      return
    }
    this.exchange = exchange
    this.parser = new ResponseParser()
    this.isReusedForCurrent = this.served > 0
    if (this.served > 0) this.socket.setTimeout(this.target.timeoutMs)
    this.socket.write(exchange.bytes)
  }

  close(): void {
    this.fail('ECLOSED', 'push transport closed')
    this.socket.destroy()
  }

  private onData(data: string): void {
    if (!this.parser) {
      // Bytes nobody asked for: the connection's framing cannot be trusted any more.
      this.socket.destroy()
      return
    }
    let response: ParsedResponse | null
    try {
      response = this.parser.push(data)
    } catch (error) {
      this.fail((error as ProtocolError).code ?? 'EPROTO', (error as Error).message)
      this.socket.destroy()
      return
    }
    if (response) this.complete(response, response.keepAlive && !this.parser.hasExtraBytes)
  }

  private onEnd(): void {
    const response = this.parser?.end()
    if (response) this.complete(response, false)
    else this.fail('ECONNRESET', 'socket hang up')
    this.socket.destroy()
  }

  private onTimeout(): void {
    this.fail('ETIMEDOUT', 'timed out')
    this.socket.destroy()
  }

  private complete(response: ParsedResponse, isReusable: boolean): void {
    const exchange = this.exchange!
    this.exchange = null
    this.parser = null
    this.served++
    if (isReusable) this.socket.setTimeout(this.target.idleMs)
    else this.socket.destroy()
    exchange.resolve(response)
    if (isReusable && !this.isClosed) this.onIdle(this)
  }

  /** Settles the open request, if any, with a failure; says whether it may have been delivered. */
  private fail(code: string, message: string): void {
    const exchange = this.exchange
    if (!exchange) return
    this.exchange = null
    const nothingBack = !this.parser?.received
    this.parser = null
    // Never connected: nothing was sent. A reused connection reset before any byte of the answer
    // is the keep-alive race — the server closed it as idle before our request arrived — which
    // Node's http client also treats as not delivered. Anything else may have been delivered.
    const isSafe =
      !this.isConnected ||
      (this.isReusedForCurrent && nothingBack && (code === 'ECONNRESET' || code === 'EPIPE'))
    exchange.reject({ code, message, isSafeToRetry: code !== 'EPRIVATE' && isSafe })
  }
}
