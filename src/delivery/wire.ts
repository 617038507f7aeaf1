import type { LoggedEvent } from '../event-log/event-log.js'
import { type ControlFrame, heartbeatJson } from './protocol.js'

/**
 * Bytes on the wire, built once per frame per node (DESIGN "Publish path", STYLE rule 8). An event
 * is encoded at most twice on a node — once as a WebSocket frame, once as an SSE message, each on
 * first use — and the same Buffer is queued to every local subscriber of that transport.
 */

/**
 * A complete RFC 6455 text frame: FIN + opcode 1, then a 7-, 16- or 64-bit payload length, then the
 * UTF-8 payload. Built by hand instead of through `ws.send()` because a server→client frame is
 * never masked (RFC 6455 §5.1), so the bytes do not depend on the socket: one Buffer serves every
 * subscriber, and `ws` would otherwise copy and frame the payload again for each of them.
 */
export function encodeWsText(text: string): Buffer {
  const length = Buffer.byteLength(text)
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerLength + length)
  frame[0] = 0x81 // FIN, opcode 0x1 (text)
  if (length < 126) {
    frame[1] = length // mask bit 0
  } else if (length < 65_536) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    // 64-bit big-endian length; lengths here are far below 2^53, so two 32-bit halves suffice.
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2)
    frame.writeUInt32BE(length >>> 0, 6)
  }
  frame.write(text, headerLength, 'utf8')
  return frame
}

/** Bytes of one frame for each transport; a connection takes the ones it speaks. */
export interface Prepared {
  readonly ws: Buffer
  readonly sse: Buffer
}

/** A channel event as the hub fans it out. `frame` is the JSON from src/event-log/frames.ts. */
export class PreparedEvent implements Prepared {
  #ws: Buffer | undefined
  #sse: Buffer | undefined

  constructor(
    readonly seq: number,
    /** Commit time (ms), for the publish-to-write histogram. */
    readonly at: number,
    readonly frame: string,
    readonly epoch: string,
    private type?: string,
  ) {}

  static fromLogged(event: LoggedEvent, epoch: string): PreparedEvent {
    return new PreparedEvent(event.seq, event.at, event.frame, epoch, event.type)
  }

  get ws(): Buffer {
    this.#ws ??= encodeWsText(this.frame)
    return this.#ws
  }

  /**
   * `id: <epoch>:<seq>:<event id>`, `event: <type>`, `data: <the event object {id,type,at,data}>`.
   * The event id in `id:` comes back in Last-Event-ID when EventSource reconnects, so the resume can
   * check it is still the same history (docs/protocol.md, Positions).
   */
  get sse(): Buffer {
    if (!this.#sse) {
      // The frame is {"type":"event",…,"event":{"id":…,"type":…}}; the event object runs from the
      // first `,"event":` (channel and epoch are JSON-escaped, so they cannot contain it) to the
      // last brace, and starts with its id (frames.ts).
      const start = this.frame.indexOf(',"event":') + ',"event":'.length
      const eventJson = this.frame.slice(start, -1)
      const eventId = /^\{"id":"([^"\\]*)"/.exec(eventJson)?.[1]
      this.type ??= (JSON.parse(eventJson) as { type: string }).type
      const id = eventId ? `${this.epoch}:${this.seq}:${eventId}` : `${this.epoch}:${this.seq}`
      this.#sse = Buffer.from(`id: ${id}\nevent: ${this.type}\n${sseData(eventJson)}\n`, 'utf8')
    }
    return this.#sse
  }
}

/** A control frame (subscribed, reset, …) prepared for both transports. */
export class PreparedControl implements Prepared {
  #ws: Buffer | undefined
  #sse: Buffer | undefined

  constructor(
    readonly frame: ControlFrame,
    private readonly sseOverride?: string,
  ) {}

  get ws(): Buffer {
    this.#ws ??= encodeWsText(this.frame.json)
    return this.#ws
  }

  get sse(): Buffer {
    if (!this.#sse) {
      const id = this.frame.sseId ? `id: ${this.frame.sseId}\n` : ''
      // EventSource fires its own `error` event for connection failures; keep the two apart.
      const name = this.frame.type === 'error' ? 'stream-error' : this.frame.type
      this.#sse = Buffer.from(
        this.sseOverride ?? `${id}event: ${name}\n${sseData(this.frame.json)}\n`,
        'utf8',
      )
    }
    return this.#sse
  }
}

/**
 * The heartbeat, built once per process and shared by every connection. On WebSocket it is the
 * `heartbeat` text frame followed by an empty ping (0x89 0x00: FIN + opcode 9, unmasked, no
 * payload), so one write carries both instead of a second `ws.ping()` write per socket; the peer's
 * pong still reaches `ws`, which reports it. On SSE it is a comment.
 */
export const heartbeatFrame: Prepared = {
  ws: Buffer.concat([encodeWsText(heartbeatJson), Buffer.from([0x89, 0x00])]),
  sse: Buffer.from(': heartbeat\n\n', 'utf8'),
}

/** `data:` lines; JSON from JSON.stringify has no raw newlines, but a line break must not end the field. */
function sseData(json: string): string {
  if (!json.includes('\n')) return `data: ${json}\n`
  return `${json
    .split(/\r?\n/)
    .map((line) => `data: ${line}`)
    .join('\n')}\n`
}

/** First bytes of an SSE response: how long EventSource waits before reconnecting. */
export const ssePreamble = Buffer.from('retry: 2000\n\n', 'utf8')
