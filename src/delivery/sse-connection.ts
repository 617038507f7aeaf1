import type { ServerResponse } from 'node:http'
import { Connection, type ConnectionHost } from './connection.js'
import { closeCodes } from './protocol.js'
import type { Prepared } from './wire.js'

/**
 * A Server-Sent Events stream: one channel per response. Same queue, coalescing and buffer limit as
 * a WebSocket; "closing" is ending the response (EventSource then reconnects with Last-Event-ID),
 * and the connection ends with its only subscription.
 */
export class SseConnection extends Connection {
  readonly transport = 'sse' as const

  constructor(
    host: ConnectionHost,
    private readonly res: ServerResponse,
    accountId: string | null,
  ) {
    super(host, accountId)
    res.on('close', () => this.disposed())
  }

  protected transportBuffered(): number {
    return this.res.writableLength
  }

  protected transportWrite(data: Buffer): void {
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(data)
  }

  protected transportClose(): void {
    if (!this.res.writableEnded) this.res.end()
  }

  terminate(): void {
    this.res.destroy()
  }

  heartbeat(frame: Prepared): void {
    this.send(frame)
  }

  override subscriptionEnded(): void {
    if (this.subscriptions.size === 0) this.close(closeCodes.normal)
  }
}
