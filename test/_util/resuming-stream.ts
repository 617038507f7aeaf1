import WebSocket from 'ws'

/**
 * A live-stream subscriber that behaves like the web client (web/src/app/connection.ts) when its
 * node dies (issue 21 part 4): it remembers the position of the last event it got, reconnects with
 * full-jitter backoff — to the next node of its list, as a load balancer would send it once the
 * dead one is out — and resubscribes with `since`. A refused upgrade (503 `streams-busy`, 429) is
 * one more failed attempt, waited out for at least its Retry-After. Records every sequence it gets,
 * so a test can check exactly-once, and how often it was refused and reset.
 */
export interface Position {
  epoch: string
  seq: number
  id?: string
}

export class ResumingSubscriber {
  readonly seqs: number[] = []
  position: Position | undefined
  refused = 0
  resets = 0
  /** When it last (re)subscribed successfully: the storm is over for it once past the kill. */
  subscribedAt = 0
  #attempt = 0
  #node = 0
  #ws: WebSocket | null = null
  #closed = false
  #onSubscribed: (() => void) | null = null

  constructor(
    private readonly urls: readonly string[],
    private readonly channel: string,
    private readonly random: () => number = Math.random,
  ) {}

  /** Connects to the first node and resolves once subscribed. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.#onSubscribed = resolve
      this.#connect()
    })
  }

  close(): void {
    this.#closed = true
    this.#ws?.terminate()
  }

  #connect(): void {
    if (this.#closed) return
    const ws = new WebSocket(`${this.urls[this.#node]!.replace(/^http/, 'ws')}/api/v1/stream`)
    this.#ws = ws
    let retryAfterMs = 0
    let isAnswered = false
    ws.on('upgrade', () => {
      isAnswered = true
    })
    ws.on('unexpected-response', (_req, res) => {
      isAnswered = true
      this.refused++
      retryAfterMs = Number(res.headers['retry-after'] ?? 0) * 1000
      res.resume()
      ws.terminate()
    })
    ws.on('open', () => {
      const since = this.position
      ws.send(
        JSON.stringify(
          since
            ? { op: 'subscribe', channel: this.channel, since }
            : { op: 'subscribe', channel: this.channel },
        ),
      )
    })
    ws.on('message', (data) => this.#onFrame(JSON.parse(data.toString())))
    ws.on('error', () => {}) // a refused or cut connection: `close` follows
    ws.on('close', () => {
      if (this.#closed || this.#ws !== ws) return
      this.#ws = null
      // Nobody answered (connection refused: the node is gone): go on to the next node, as a load
      // balancer would once its health check fails.
      if (!isAnswered) this.#node = Math.min(this.#node + 1, this.urls.length - 1)
      const ceiling = Math.min(30_000, 500 * 2 ** Math.min(this.#attempt++, 30))
      setTimeout(() => this.#connect(), Math.max(retryAfterMs, this.random() * ceiling))
    })
  }

  #onFrame(frame: {
    type: string
    channel?: string
    seq?: number
    epoch?: string
    event?: { id: string }
    position?: Position
  }): void {
    if (frame.channel !== this.channel) return
    if (frame.type === 'event') {
      this.seqs.push(frame.seq!)
      this.position = { epoch: frame.epoch!, seq: frame.seq!, id: frame.event!.id }
    } else if (frame.type === 'subscribed') {
      this.position ??= frame.position
      this.#attempt = 0
      this.subscribedAt = Date.now()
      this.#onSubscribed?.()
      this.#onSubscribed = null
    } else if (frame.type === 'reset') {
      this.resets++
      this.position = frame.position
    } else if (frame.type === 'error') {
      // e.g. `rate-limited` or `unavailable` for the subscribe: drop the socket and come back later.
      this.#ws?.close()
    }
  }
}
