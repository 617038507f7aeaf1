import type { Socket } from 'node:net'
import WebSocket from 'ws'
import { Connection, type ConnectionHost } from './connection.js'
import {
  type ClientOp,
  type CloseCode,
  closeCodes,
  errorFrame,
  parseClientOp,
  streamLimits,
} from './protocol.js'
import { type Prepared, PreparedControl } from './wire.js'

/**
 * A WebSocket stream. Frames are written straight to the underlying TCP socket, bypassing
 * `ws.send()`: the hub's frames are complete, pre-built RFC 6455 frames shared by every socket
 * (see wire.ts), and one `socket.write` carries everything queued since the last flush. This is
 * safe beside `ws`'s own writes (pongs, the close frame) because each write is a whole frame and
 * compression is off (perMessageDeflate: false in http/app.ts), so `ws` never holds frames back.
 */
export class WsConnection extends Connection {
  readonly transport = 'ws' as const
  /** Heartbeat pings sent since the peer last answered one. */
  #unansweredPings = 0
  #windowStart = Date.now()
  #messages = 0
  #badMessages = 0

  constructor(
    host: ConnectionHost,
    private readonly ws: WebSocket,
    /** The upgraded request's socket: the same net.Socket `ws` writes to. */
    private readonly socket: Socket,
    accountId: string | null,
    private readonly onOp: (connection: WsConnection, op: ClientOp) => void,
  ) {
    super(host, accountId)
    ws.on('message', (data, isBinary) => {
      try {
        this.#onMessage(data, isBinary)
      } catch (error) {
        host.logger.error({ err: error, connection: this.id }, 'stream message handling failed')
        this.close(closeCodes.serverError)
      }
    })
    ws.on('pong', () => {
      this.#unansweredPings = 0
    })
    ws.on('close', () => this.disposed())
  }

  protected transportBuffered(): number {
    return this.socket.writableLength
  }

  protected transportWrite(data: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN && this.socket.writable) this.socket.write(data)
  }

  protected transportClose(code: CloseCode): void {
    this.ws.close(code.code, code.reason)
  }

  terminate(): void {
    this.ws.terminate()
  }

  /**
   * A peer that has answered neither of the last two pings is dead (or not reading): cut it off.
   * Two, not one: a phone or a busy machine that stalls for a little over one interval keeps its
   * stream, while a dead peer still goes within two or three intervals. The frame (wire.ts
   * heartbeatFrame) carries the ping after the heartbeat text frame, and the ping waits in the
   * connection's queue behind a long pass over many sockets (flusher.ts), which also eats into the
   * interval.
   */
  heartbeat(frame: Prepared): void {
    if (this.isClosed) return
    if (this.#unansweredPings >= 2) {
      this.terminate()
      return
    }
    this.#unansweredPings++
    this.send(frame)
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.isClosed) return
    const now = Date.now()
    if (now - this.#windowStart > streamLimits.windowMs) {
      this.#windowStart = now
      this.#messages = 0
      this.#badMessages = 0
    }
    this.#messages++
    if (this.#messages > streamLimits.messagesPerWindow) {
      this.#refuse('rate-limited', 'Too many messages; slow down.')
    } else if (isBinary) {
      this.#refuse('stream-bad-message', 'Send JSON text frames, not binary ones.')
    } else {
      const parsed = parseClientOp(data.toString())
      if (parsed.ok) this.onOp(this, parsed.op)
      else this.#refuse('stream-bad-message', parsed.detail, parsed.channel)
    }
  }

  /** An `error` frame; a flood of bad messages closes the socket (4400) instead. */
  #refuse(code: 'rate-limited' | 'stream-bad-message', detail: string, channel?: string): void {
    this.#badMessages++
    if (this.#badMessages > streamLimits.badMessagesPerWindow) {
      this.close(closeCodes.badMessage)
      return
    }
    this.send(new PreparedControl(errorFrame(code, detail, channel)))
  }
}
