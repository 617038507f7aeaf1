/**
 * An incremental parser for one HTTP/1.1 response (RFC 9112), fed the raw bytes of a socket as
 * latin1 strings (one char per byte). It keeps only what push delivery needs: the status, the
 * Retry-After header, the first bytes of a refusal's body for the logs, and whether the connection
 * may carry another request. Body framing follows RFC 9112 §6.3: no body for 204/304, chunked
 * when Transfer-Encoding ends in chunked, else Content-Length, else everything until the close.
 */
export interface ParsedResponse {
  status: number
  retryAfter: string | undefined
  /** The first BODY_BYTES_KEPT bytes of the body (latin1), only for statuses of 300 and up. */
  body: string
  /** False when the server closes after this response or the body framing forbids reuse. */
  keepAlive: boolean
}

export class ProtocolError extends Error {
  override name = 'ProtocolError'
  readonly code = 'EPROTO'
}

const MAX_HEAD_BYTES = 16 * 1024
const MAX_CHUNK_LINE_BYTES = 1024
/** A push service's answer is a few bytes; a longer body is cut short and the connection closed. */
const MAX_BODY_BYTES = 1024 * 1024
export const BODY_BYTES_KEPT = 1024

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' | 'done'

export class ResponseParser {
  private buffer = ''
  private state: State = 'head'
  private response: ParsedResponse = { status: 0, retryAfter: undefined, body: '', keepAlive: false }
  private remaining = 0
  private bodyBytes = 0
  /** True once any byte of the response has arrived. */
  received = false

  /** Bytes received after the complete response (a server answering more than it was asked). */
  get hasExtraBytes(): boolean {
    return this.state === 'done' && this.buffer.length > 0
  }

  /** Takes the next bytes; returns the response once it is complete, else null. */
  push(data: string): ParsedResponse | null {
    this.received = true
    this.buffer = this.buffer.length === 0 ? data : this.buffer + data
    while (this.state !== 'done') {
      if (!this.step()) return null
    }
    return this.response
  }

  /** The server closed the connection: the response if its body ran until the close, else null. */
  end(): ParsedResponse | null {
    if (this.state === 'close') {
      this.state = 'done'
      return this.response
    }
    return this.state === 'done' ? this.response : null
  }

  /** Advances one state; false when more bytes are needed. */
  private step(): boolean {
    switch (this.state) {
      case 'head':
        return this.readHead()
      case 'length':
      case 'chunk-data':
        return this.readBody()
      case 'chunk-size':
        return this.readChunkSize()
      case 'chunk-end':
        if (this.buffer.length < 2) return false
        if (!this.buffer.startsWith('\r\n')) throw new ProtocolError('chunk not followed by CRLF')
        this.buffer = this.buffer.slice(2)
        this.state = 'chunk-size'
        return true
      case 'trailers':
        return this.readTrailer()
      case 'close': {
        const data = this.buffer
        this.buffer = ''
        return this.keep(data)
      }
      default:
        return true
    }
  }

  private readHead(): boolean {
    const end = this.buffer.indexOf('\r\n\r\n')
    if (end < 0 || end > MAX_HEAD_BYTES) {
      if (this.buffer.length > MAX_HEAD_BYTES) throw new ProtocolError('response head too large')
      return false
    }
    const head = this.buffer.slice(0, end)
    this.buffer = this.buffer.slice(end + 4)
    const framing = parseHead(head, this.response)
    const status = this.response.status
    if (status < 200) {
      // An interim response (103 Early Hints…); 101 would switch protocols, which we never ask.
      if (status === 101) throw new ProtocolError('unexpected 101 Switching Protocols')
      this.response.retryAfter = undefined
      return true
    }
    if (status === 204 || status === 304) this.state = 'done'
    else if (framing.isChunked) this.state = 'chunk-size'
    else if (framing.length !== null) {
      this.remaining = framing.length
      this.state = framing.length === 0 ? 'done' : 'length'
    } else {
      this.response.keepAlive = false
      this.state = 'close'
    }
    return true
  }

  private readBody(): boolean {
    const take = Math.min(this.remaining, this.buffer.length)
    const data = take === this.buffer.length ? this.buffer : this.buffer.slice(0, take)
    this.buffer = this.buffer.slice(take)
    this.remaining -= take
    if (this.keep(data)) return true
    if (this.remaining > 0) return false
    this.state = this.state === 'length' ? 'done' : 'chunk-end'
    return true
  }

  private readChunkSize(): boolean {
    const eol = this.buffer.indexOf('\r\n')
    if (eol < 0) {
      if (this.buffer.length > MAX_CHUNK_LINE_BYTES) throw new ProtocolError('chunk size line too long')
      return false
    }
    const size = this.buffer.slice(0, eol).split(';')[0]!.trim()
    this.buffer = this.buffer.slice(eol + 2)
    if (!/^[0-9a-fA-F]{1,8}$/.test(size)) throw new ProtocolError('bad chunk size')
    this.remaining = Number.parseInt(size, 16)
    this.state = this.remaining === 0 ? 'trailers' : 'chunk-data'
    return true
  }

  private readTrailer(): boolean {
    const eol = this.buffer.indexOf('\r\n')
    if (eol < 0) {
      if (this.buffer.length > MAX_HEAD_BYTES) throw new ProtocolError('trailers too large')
      return false
    }
    this.buffer = this.buffer.slice(eol + 2)
    if (eol === 0) this.state = 'done'
    return true
  }

  /**
   * Counts body bytes, keeping the first few of a refusal. An endless body ends the response early
   * (returns true): the status is known, and the connection is not reused.
   */
  private keep(bytes: string): boolean {
    if (bytes.length === 0) return false
    if (this.response.status >= 300 && this.response.body.length < BODY_BYTES_KEPT) {
      this.response.body += bytes.slice(0, BODY_BYTES_KEPT - this.response.body.length)
    }
    this.bodyBytes += bytes.length
    if (this.bodyBytes <= MAX_BODY_BYTES) return false
    this.response.keepAlive = false
    this.state = 'done'
    this.buffer = ''
    return true
  }
}

/** Fills status, Retry-After and keep-alive into `response`; returns how the body is framed. */
function parseHead(head: string, response: ParsedResponse): { isChunked: boolean; length: number | null } {
  const lines = head.split('\r\n')
  const statusLine = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: |$)/.exec(lines[0]!)
  if (!statusLine) throw new ProtocolError(`bad status line: ${lines[0]!.slice(0, 40)}`)
  response.status = Number(statusLine[2])
  let isKeepAlive = statusLine[1] === '1'
  let isChunked = false
  let hasTransferEncoding = false
  let length: number | null = null
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    const colon = line.indexOf(':')
    if (colon <= 0) throw new ProtocolError('bad header line')
    const name = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'content-length') {
      if (!/^\d{1,15}$/.test(value) || (length !== null && length !== Number(value))) {
        throw new ProtocolError('bad Content-Length')
      }
      length = Number(value)
    } else if (name === 'transfer-encoding') {
      hasTransferEncoding = true
      isChunked = /(?:^|,)\s*chunked\s*$/i.test(value)
    } else if (name === 'connection') {
      const options = value.toLowerCase()
      if (/(?:^|,)\s*close\s*(?:,|$)/.test(options)) isKeepAlive = false
      else if (/(?:^|,)\s*keep-alive\s*(?:,|$)/.test(options)) isKeepAlive = true
    } else if (name === 'retry-after') {
      response.retryAfter = value
    }
  }
  // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length, and a message with both must not
  // leave the connection open; one not ending in chunked runs until the close.
  if (hasTransferEncoding) {
    if (length !== null || !isChunked) isKeepAlive = false
    length = null
  }
  response.keepAlive = isKeepAlive
  return { isChunked, length }
}
