import type { Position, ServerFrame } from './types.js'

/**
 * One WebSocket to `/api/v1/stream` shared by every screen (docs/protocol.md). It keeps each
 * channel's last position and, when the socket drops (laptop sleep, network change, server
 * restart), reconnects with exponential backoff and jitter and resubscribes with `since` (the last
 * event's epoch, sequence and id), so the server replays what was missed — or says `reset` when the
 * history changed under that position. Terminal close codes (4400–4499, 1000) stop it; every other
 * close, and silence longer than two heartbeats, reconnects. 4401 means the session the socket was
 * opened with ended (logged out, expired): it stops too, and tells `onUnauthenticated` listeners,
 * which decide whether to `restart` with whatever credentials the browser has now.
 */

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped'

/** The part of the browser's WebSocket this uses (a fake one in tests). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason?: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
}

export interface ChannelListener {
  onFrame(frame: ServerFrame): void
  /** The socket came back and the channel resubscribed: counts are not replayed, refresh them. */
  onResumed?(): void
}

export interface ConnectionOptions {
  url: string
  createSocket: (url: string) => SocketLike
  random?: () => number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
  /** Backoff: first delay, doubling up to the cap (docs/protocol.md suggests 0.5 s … 30 s). */
  baseDelayMs?: number
  maxDelayMs?: number
  /** No frame for this long means the connection is dead (two 25 s heartbeats plus slack). */
  silenceMs?: number
}

const OPEN = 1

/**
 * Backoff with full jitter for attempt n (0-based): anywhere from 0 to min(cap, base·2ⁿ), uniformly.
 * When a node dies, every client it held reconnects at once; drawing from the whole interval (not
 * its upper half) spreads them evenly over it, so the surviving node sees a ramp, not a wall
 * (issue 21 part 4; "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 */
export function backoffDelay(attempt: number, base: number, cap: number, random: () => number): number {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30))
  return Math.round(random() * ceiling)
}

/** Subscribe refusals that pass: retried after a backoff instead of giving the channel up. */
function isRetriedRefusal(code: string): boolean {
  return code === 'unavailable' || code === 'rate-limited'
}

/** The socket's credentials ended (logout, revoked token, expired session): docs/protocol.md. */
export const UNAUTHENTICATED_CLOSE = 4401

/** Codes after which reconnecting unchanged would fail the same way (docs/protocol.md close codes). */
export function isTerminalClose(code: number): boolean {
  return code === 1000 || code === 1009 || (code >= 4400 && code <= 4499)
}

export class ConnectionManager {
  status: ConnectionStatus = 'idle'
  /** Times the socket was (re)opened; the first open is 1. */
  opens = 0
  private socket: SocketLike | null = null
  private readonly listeners = new Map<string, Set<ChannelListener>>()
  private readonly positions = new Map<string, Position>()
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>()
  private readonly unauthenticatedListeners = new Set<() => void>()
  /** 4401 closes since the last `subscribed`: a restart that is refused again is not retried. */
  private unauthenticatedCloses = 0
  private attempt = 0
  private retryTimer: unknown = null
  private silenceTimer: unknown = null
  private readonly o: Required<ConnectionOptions>

  constructor(options: ConnectionOptions) {
    this.o = {
      random: Math.random,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      silenceMs: 60_000,
      ...options,
    }
  }

  onStatus(fn: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(fn)
    return () => this.statusListeners.delete(fn)
  }

  /** Called when the server closed the socket because its session or token ended (4401). */
  onUnauthenticated(fn: () => void): () => void {
    this.unauthenticatedListeners.add(fn)
    return () => this.unauthenticatedListeners.delete(fn)
  }

  /**
   * After a 4401: connect again (with backoff, resubscribing with every position) using whatever
   * credentials the browser holds now — none after a logout, so public channels stay live. Only
   * once per ended session: if the new socket is closed with 4401 before any channel subscribed,
   * it stays stopped rather than retrying forever.
   */
  restart(): void {
    if (this.status !== 'stopped' || this.socket || this.listeners.size === 0) return
    if (this.unauthenticatedCloses > 1) return
    this.scheduleRetry()
  }

  position(channel: string): Position | undefined {
    return this.positions.get(channel)
  }

  /** Follows a channel; the returned function stops following it (unsubscribing when nobody else does). */
  subscribe(channel: string, listener: ChannelListener): () => void {
    let set = this.listeners.get(channel)
    const isNew = !set
    if (!set) {
      set = new Set()
      this.listeners.set(channel, set)
    }
    set.add(listener)
    if (isNew) {
      if (this.status === 'idle' || this.status === 'stopped') this.connect()
      else if (this.socket?.readyState === OPEN) this.sendSubscribe(channel)
    }
    return () => {
      const current = this.listeners.get(channel)
      if (!current) return
      current.delete(listener)
      if (current.size > 0) return
      this.listeners.delete(channel)
      this.positions.delete(channel)
      if (this.socket?.readyState === OPEN) this.send({ op: 'unsubscribe', channel })
    }
  }

  /** Reconnect at once if waiting (the browser went online, or the tab became visible). */
  wake(): void {
    if (this.status !== 'reconnecting' || this.socket) return
    this.clearRetry()
    this.connect()
  }

  /** The network is gone: drop the socket now rather than wait for a timeout. */
  offline(): void {
    if (this.socket) this.socket.close(4000, 'offline')
  }

  stop(): void {
    this.clearRetry()
    this.clearSilence()
    const s = this.socket
    this.socket = null
    if (s) {
      s.onclose = null
      s.close(1000, 'bye')
    }
    this.setStatus('stopped')
  }

  private connect(): void {
    this.setStatus(this.opens === 0 ? 'connecting' : 'reconnecting')
    let socket: SocketLike
    try {
      socket = this.o.createSocket(this.o.url)
    } catch {
      this.scheduleRetry()
      return
    }
    this.socket = socket
    socket.onopen = () => {
      this.opens++
      this.setStatus('open')
      this.armSilence()
      for (const channel of this.listeners.keys()) this.sendSubscribe(channel)
    }
    socket.onmessage = (ev) => this.receive(ev.data)
    socket.onerror = () => {}
    socket.onclose = (ev) => {
      if (this.socket !== socket) return
      this.socket = null
      this.clearSilence()
      if (!isTerminalClose(ev.code)) {
        this.scheduleRetry()
        return
      }
      this.setStatus('stopped')
      if (ev.code === UNAUTHENTICATED_CLOSE) {
        this.unauthenticatedCloses++
        for (const fn of this.unauthenticatedListeners) fn()
      }
    }
  }

  private scheduleRetry(): void {
    this.setStatus('reconnecting')
    const delay = backoffDelay(this.attempt++, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random)
    this.retryTimer = this.o.setTimer(() => {
      this.retryTimer = null
      this.connect()
    }, delay)
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.o.clearTimer(this.retryTimer)
    this.retryTimer = null
  }

  private armSilence(): void {
    this.clearSilence()
    this.silenceTimer = this.o.setTimer(() => {
      // Two heartbeats without a frame: the connection is dead even if the OS has not noticed.
      this.socket?.close(4000, 'silent')
    }, this.o.silenceMs)
  }

  private clearSilence(): void {
    if (this.silenceTimer !== null) this.o.clearTimer(this.silenceTimer)
    this.silenceTimer = null
  }

  private sendSubscribe(channel: string): void {
    const since = this.positions.get(channel)
    this.send(since ? { op: 'subscribe', channel, since } : { op: 'subscribe', channel })
  }

  private send(op: unknown): void {
    this.socket?.send(JSON.stringify(op))
  }

  private receive(data: unknown): void {
    this.armSilence()
    let frame: ServerFrame
    try {
      frame = JSON.parse(String(data)) as ServerFrame
    } catch {
      return
    }
    if (frame.type === 'heartbeat') return
    if (frame.type === 'event') {
      const known = this.positions.get(frame.channel)
      // Exactly-once per stream, but a reload may overlap: never go backwards or repeat.
      if (known && known.epoch === frame.epoch && frame.seq <= known.seq) return
      // With the event's id, so a resume can tell a replaced history from ours (docs/protocol.md).
      this.positions.set(frame.channel, { epoch: frame.epoch, seq: frame.seq, id: frame.event.id })
    } else if (frame.type === 'subscribed') {
      this.attempt = 0
      this.unauthenticatedCloses = 0
      const known = this.positions.get(frame.channel)
      if (!known || known.epoch !== frame.position.epoch || known.seq < frame.position.seq) {
        this.positions.set(frame.channel, frame.position)
      }
    } else if (frame.type === 'reset') {
      this.positions.set(frame.channel, frame.position)
    } else if (frame.type === 'error' && isRetriedRefusal(frame.code) && frame.channel) {
      // The server could not read the history for a while, or this client subscribed too often
      // (a rate limit: wait longer): ask again with our position.
      const channel = frame.channel
      const attempt = frame.code === 'rate-limited' ? 5 : 1
      this.o.setTimer(
        () => {
          if (this.listeners.has(channel) && this.socket?.readyState === OPEN) this.sendSubscribe(channel)
        },
        backoffDelay(attempt, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random),
      )
    }
    const channel = 'channel' in frame ? frame.channel : undefined
    if (!channel) return
    for (const l of this.listeners.get(channel) ?? []) {
      l.onFrame(frame)
      if (frame.type === 'subscribed' && this.opens > 1) l.onResumed?.()
    }
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return
    this.status = status
    for (const fn of this.statusListeners) fn(status)
  }
}
