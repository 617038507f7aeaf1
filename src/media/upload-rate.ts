import type { Socket } from 'node:net'
import { DomainError } from '../errors.js'

export interface UploadRate {
  /** Fewest bytes per second accepted, averaged over `windowMs`; 0 turns the check off. */
  minBytesPerSecond: number
  windowMs: number
}

export interface RateWatch {
  /** Rejects with `upload-too-slow` when a window brings too few bytes; never resolves. */
  tooSlow: Promise<never>
  stop(): void
}

/**
 * Watches the bytes arriving on an upload's connection (issue 14 item 4): a client that sends a
 * byte every few seconds would otherwise hold an upload slot for as long as it likes. Every
 * `windowMs` the bytes read in that window are compared with the minimum, so the first window is
 * the grace period and a burst cannot pay for a later stall.
 *
 * It reads the socket's own byte counter rather than listening to the request stream, which the
 * multipart parser owns: a second 'data' listener could start the stream flowing before the parser
 * is attached.
 */
export function watchUploadRate(socket: Socket, rate: UploadRate): RateWatch {
  let timer: NodeJS.Timeout | undefined
  const tooSlow = new Promise<never>((_resolve, reject) => {
    if (rate.minBytesPerSecond <= 0) return
    const minPerWindow = (rate.minBytesPerSecond * rate.windowMs) / 1000
    let seen = socket.bytesRead
    timer = setInterval(() => {
      const arrived = socket.bytesRead - seen
      seen = socket.bytesRead
      if (arrived >= minPerWindow) return
      clearInterval(timer)
      reject(
        new DomainError(
          'upload-too-slow',
          `The upload brought ${arrived} bytes in ${rate.windowMs / 1000} s; at least ${rate.minBytesPerSecond} bytes per second are needed. It was cut off; send it again over a faster connection.`,
        ),
      )
    }, rate.windowMs)
    timer.unref()
  })
  tooSlow.catch(() => {}) // observed by the caller's race; this only keeps it from counting as unhandled
  return { tooSlow, stop: () => clearInterval(timer) }
}
