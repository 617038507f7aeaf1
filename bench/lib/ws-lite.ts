import { randomBytes } from 'node:crypto'
import net from 'node:net'

/**
 * A deliberately minimal WebSocket client for benchmarks: raw TCP, hand-parsed frames, no per-message
 * allocation beyond what counting needs. A full client (`ws`) costs more CPU per frame than the
 * server under test, so on a 2-core machine it would measure itself instead of the server.
 */
export interface LiteSocketHandlers {
  /**
   * A complete text frame's payload. Valid only during the call: it may be a view of the read
   * buffer that every socket of the process shares (copy what you keep).
   */
  onText(payload: Buffer): void
  onClose(code: number): void
}

export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  const mask = randomBytes(4)
  const len = payload.length
  const header = len < 126 ? Buffer.alloc(2) : Buffer.alloc(4)
  header[0] = 0x81
  if (len < 126) header[1] = 0x80 | len
  else {
    header[1] = 0x80 | 126
    header.writeUInt16BE(len, 2)
  }
  for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ mask[i % 4]!
  return Buffer.concat([header, mask, payload])
}

function pongFrame(payload: Buffer): Buffer {
  const mask = randomBytes(4)
  const out = Buffer.alloc(2 + 4 + payload.length)
  out[0] = 0x8a
  out[1] = 0x80 | payload.length
  mask.copy(out, 2)
  for (let i = 0; i < payload.length; i++) out[6 + i] = payload[i]! ^ mask[i % 4]!
  return out
}

export function connectLite(
  options: {
    host: string
    port: number
    path: string
    localAddress?: string
    headers?: Record<string, string>
  },
  handlers: LiteSocketHandlers,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    // `onread` reads into one buffer shared by all sockets and skips the Readable stream: no Buffer
    // allocated and no 'data' event per read. A subscriber process holds ~10,000 sockets and, per
    // event, reads each once, so this is most of its CPU (measured: see bench/results/*.json,
    // singleCpuMsPerPost.clients). Leftover bytes of a partial frame are copied out below.
    const socket = net.connect({
      host: options.host,
      port: options.port,
      localAddress: options.localAddress,
      onread: {
        buffer: sharedReadBuffer,
        callback: (bytes: number, buffer: Uint8Array) => {
          onData(Buffer.from(buffer.buffer, buffer.byteOffset, bytes))
          return true
        },
      },
    })
    socket.setNoDelay(true)
    let upgraded = false
    let pending: Buffer = empty
    const extra = Object.entries(options.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')
    socket.once('connect', () => {
      socket.write(
        `GET ${options.path} HTTP/1.1\r\nHost: ${options.host}:${options.port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          `Sec-WebSocket-Version: 13\r\n${extra}\r\n`,
      )
    })
    socket.once('error', reject)
    socket.on('close', () => handlers.onClose(upgraded ? 1006 : 0))
    const onData = (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n')
        if (end < 0) {
          pending = Buffer.from(pending) // out of the shared read buffer
          return
        }
        const head = pending.subarray(0, end).toString()
        if (!head.startsWith('HTTP/1.1 101')) {
          socket.destroy()
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
          return
        }
        upgraded = true
        pending = pending.subarray(end + 4)
        resolve(socket)
      }
      let offset = 0
      while (pending.length - offset >= 2) {
        const b0 = pending[offset]!
        const b1 = pending[offset + 1]!
        let len = b1 & 0x7f
        let head = 2
        if (len === 126) {
          if (pending.length - offset < 4) break
          len = pending.readUInt16BE(offset + 2)
          head = 4
        } else if (len === 127) {
          if (pending.length - offset < 10) break
          len = Number(pending.readBigUInt64BE(offset + 2))
          head = 10
        }
        if (pending.length - offset < head + len) break
        const payload = pending.subarray(offset + head, offset + head + len)
        const opcode = b0 & 0x0f
        if (opcode === 1) handlers.onText(payload)
        else if (opcode === 9) socket.write(pongFrame(payload))
        else if (opcode === 8) handlers.onClose(len >= 2 ? payload.readUInt16BE(0) : 1005)
        offset += head + len
      }
      // A copy: `pending` may be a view of the shared read buffer, which the next read overwrites.
      pending = offset === pending.length ? empty : Buffer.from(pending.subarray(offset))
    }
  })
}

const sharedReadBuffer = Buffer.allocUnsafe(256 * 1024)
const empty = Buffer.alloc(0)
