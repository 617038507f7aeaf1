import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  backoffDelay,
  ConnectionManager,
  type ConnectionStatus,
  isTerminalClose,
  type SocketLike,
} from './connection.js'
import type { ServerFrame } from './types.js'

class FakeSocket implements SocketLike {
  readyState = 0
  sent: unknown[] = []
  closed: { code?: number } | null = null
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: { code: number }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data))
  }
  close(code?: number) {
    this.closed = { code }
    this.drop(code ?? 1005)
  }
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  frame(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
  drop(code = 1006) {
    this.readyState = 3
    this.onclose?.({ code })
  }
}

function setup(random = () => 0.5) {
  const sockets: FakeSocket[] = []
  const statuses: ConnectionStatus[] = []
  const manager = new ConnectionManager({
    url: 'ws://test/api/v1/stream',
    createSocket: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    random,
  })
  manager.onStatus((s) => statuses.push(s))
  return { manager, sockets, statuses, last: () => sockets[sockets.length - 1]! }
}

const event = (channel: string, seq: number, epoch = 'e1'): ServerFrame => ({
  type: 'event',
  channel,
  epoch,
  seq,
  event: { id: `ev${seq}`, type: 'post.published', at: 0, data: { id: `p${seq}` } },
})

describe('ConnectionManager', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('subscribes live-only first, then resumes from the last position after a drop', () => {
    const { manager, sockets, last } = setup()
    const frames: ServerFrame[] = []
    manager.subscribe('night-shoot', { onFrame: (f) => frames.push(f) })
    last().open()
    expect(last().sent).toEqual([{ op: 'subscribe', channel: 'night-shoot' }])

    last().frame({ type: 'subscribed', channel: 'night-shoot', position: { epoch: 'e1', seq: 4 } })
    last().frame(event('night-shoot', 5))
    last().frame(event('night-shoot', 6))
    expect(manager.position('night-shoot')).toEqual({ epoch: 'e1', seq: 6, id: 'ev6' })

    last().drop(1006)
    expect(manager.status).toBe('reconnecting')
    vi.advanceTimersByTime(30_000)
    expect(sockets).toHaveLength(2)
    last().open()
    // The last event's id goes along: the server answers `reset` if another event now holds seq 6.
    expect(last().sent).toEqual([
      { op: 'subscribe', channel: 'night-shoot', since: { epoch: 'e1', seq: 6, id: 'ev6' } },
    ])
    expect(frames.filter((f) => f.type === 'event')).toHaveLength(2)
  })

  it('drops repeated or older events of the same epoch', () => {
    const { manager, last } = setup()
    const seqs: number[] = []
    manager.subscribe('c', { onFrame: (f) => f.type === 'event' && seqs.push(f.seq) })
    last().open()
    last().frame(event('c', 1))
    last().frame(event('c', 2))
    last().frame(event('c', 2))
    last().frame(event('c', 1))
    last().frame(event('c', 3))
    expect(seqs).toEqual([1, 2, 3])
  })

  it('keeps a later event position when `subscribed` reports an older one', () => {
    const { manager, last } = setup()
    manager.subscribe('c', { onFrame: () => {} })
    last().open()
    last().frame(event('c', 9))
    last().frame({ type: 'subscribed', channel: 'c', position: { epoch: 'e1', seq: 7 } })
    expect(manager.position('c')).toEqual({ epoch: 'e1', seq: 9, id: 'ev9' })
    last().frame({ type: 'reset', channel: 'c', reason: 'epoch-changed', position: { epoch: 'e2', seq: 3 } })
    expect(manager.position('c')).toEqual({ epoch: 'e2', seq: 3 })
  })

  it('backs off exponentially with jitter while the server stays away, and resets after a subscribe', () => {
    const { manager, sockets, last } = setup(() => 1)
    manager.subscribe('c', { onFrame: () => {} })
    last().drop()
    // attempt 0: 500 ms, 1: 1 s, 2: 2 s (random() = 1 → the full ceiling)
    vi.advanceTimersByTime(499)
    expect(sockets).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(sockets).toHaveLength(2)
    last().drop()
    vi.advanceTimersByTime(999)
    expect(sockets).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(sockets).toHaveLength(3)
    last().drop()
    vi.advanceTimersByTime(2000)
    expect(sockets).toHaveLength(4)
    last().open()
    last().frame({ type: 'subscribed', channel: 'c', position: { epoch: 'e', seq: 0 } })
    last().drop()
    vi.advanceTimersByTime(500)
    expect(sockets).toHaveLength(5)
  })

  it('computes fully jittered delays anywhere from 0 to the capped ceiling', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(0)
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500)
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2000)
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000)
    expect(backoffDelay(20, 500, 30_000, () => 0)).toBe(0)
  })

  it('spreads a reconnect storm evenly over the whole interval (issue 21 part 4)', () => {
    // 19,000 clients dropped at once, each drawing its first delay: every tenth of the ceiling
    // gets a tenth of them, the first tenth included (equal jitter would leave half of it empty).
    const clients = 19_000
    const buckets = new Array(10).fill(0)
    for (let i = 0; i < clients; i++) {
      const delay = backoffDelay(0, 500, 30_000, () => (i + 0.5) / clients)
      buckets[Math.min(9, Math.floor(delay / 50))]++
    }
    for (const count of buckets) expect(count).toBeGreaterThan(clients / 10 - 100)
    for (const count of buckets) expect(count).toBeLessThan(clients / 10 + 100)
    // The ceiling still doubles per attempt, up to the cap.
    expect([0, 1, 2, 6, 7].map((n) => backoffDelay(n, 500, 30_000, () => 1))).toEqual([
      500, 1000, 2000, 30_000, 30_000,
    ])
  })

  it('stops on terminal close codes and reconnects on the 4000 range', () => {
    expect(isTerminalClose(4400)).toBe(true)
    expect(isTerminalClose(1000)).toBe(true)
    expect(isTerminalClose(4001)).toBe(false)
    expect(isTerminalClose(4008)).toBe(false)
    expect(isTerminalClose(1006)).toBe(false)
    const { manager, sockets, last } = setup()
    manager.subscribe('c', { onFrame: () => {} })
    last().open()
    last().drop(4001)
    vi.advanceTimersByTime(60_000)
    expect(sockets).toHaveLength(2)
    last().open()
    last().drop(4400)
    expect(manager.status).toBe('stopped')
    vi.advanceTimersByTime(120_000)
    expect(sockets).toHaveLength(2)
  })

  it('stops on 4401 (the session ended) without retrying, and tells who listens', () => {
    const { manager, sockets, last } = setup()
    const ended = vi.fn()
    manager.onUnauthenticated(ended)
    manager.subscribe('c', { onFrame: () => {} })
    last().open()
    last().frame({ type: 'subscribed', channel: 'c', position: { epoch: 'e', seq: 3 } })
    last().drop(4401)
    expect(manager.status).toBe('stopped')
    expect(ended).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(120_000)
    expect(sockets).toHaveLength(1)
    // Other terminal codes are not a session ending.
    const other = setup()
    const notEnded = vi.fn()
    other.manager.onUnauthenticated(notEnded)
    other.manager.subscribe('c', { onFrame: () => {} })
    other.last().open()
    other.last().drop(4400)
    expect(notEnded).not.toHaveBeenCalled()
  })

  it('restarts once after 4401 with the same positions, and gives up if the new socket is refused too', () => {
    const { manager, sockets, last } = setup()
    manager.subscribe('c', { onFrame: () => {} })
    last().open()
    last().frame({ type: 'subscribed', channel: 'c', position: { epoch: 'e', seq: 3 } })
    last().frame(event('c', 4, 'e'))
    last().drop(4401)
    manager.restart()
    expect(manager.status).toBe('reconnecting')
    vi.advanceTimersByTime(500)
    expect(sockets).toHaveLength(2)
    last().open()
    expect(last().sent).toEqual([{ op: 'subscribe', channel: 'c', since: { epoch: 'e', seq: 4, id: 'ev4' } }])

    // Refused again before any channel subscribed: no restart loop.
    last().drop(4401)
    manager.restart()
    expect(manager.status).toBe('stopped')
    vi.advanceTimersByTime(120_000)
    expect(sockets).toHaveLength(2)
  })

  it('restarts again after a later 4401 once the restarted socket had subscribed', () => {
    const { manager, sockets, last } = setup()
    manager.subscribe('c', { onFrame: () => {} })
    for (let round = 1; round <= 3; round++) {
      last().open()
      last().frame({ type: 'subscribed', channel: 'c', position: { epoch: 'e', seq: round } })
      last().drop(4401)
      manager.restart()
      vi.advanceTimersByTime(500)
      expect(sockets).toHaveLength(round + 1)
    }
  })

  it('does not restart what was not stopped by a 4401, nor with no channel to follow', () => {
    const { manager, sockets, last } = setup()
    const off = manager.subscribe('c', { onFrame: () => {} })
    last().open()
    manager.restart() // open: nothing to do
    expect(sockets).toHaveLength(1)
    off()
    last().drop(4401)
    manager.restart()
    vi.advanceTimersByTime(120_000)
    expect(sockets).toHaveLength(1)
  })

  it('treats two heartbeats of silence as a dead connection', () => {
    const { manager, sockets, last } = setup()
    manager.subscribe('c', { onFrame: () => {} })
    last().open()
    vi.advanceTimersByTime(50_000)
    last().frame({ type: 'heartbeat' })
    vi.advanceTimersByTime(50_000)
    expect(sockets).toHaveLength(1)
    vi.advanceTimersByTime(10_000)
    expect(sockets[0]!.closed).toEqual({ code: 4000 })
    expect(manager.status).toBe('reconnecting')
  })

  it('reconnects at once when woken (online / visible) instead of waiting out the backoff', () => {
    const { manager, sockets, last } = setup()
    manager.subscribe('c', { onFrame: () => {} })
    last().open()
    for (let i = 0; i < 6; i++) {
      last().drop()
      vi.advanceTimersByTime(60_000)
    }
    const before = sockets.length
    last().drop()
    manager.wake()
    expect(sockets).toHaveLength(before + 1)
  })

  it('tells listeners when a channel resumed after a reconnect (counts are not replayed)', () => {
    const { manager, last, statuses } = setup()
    const resumed = vi.fn()
    manager.subscribe('c', { onFrame: () => {}, onResumed: resumed })
    last().open()
    last().frame({ type: 'subscribed', channel: 'c', position: { epoch: 'e', seq: 1 } })
    expect(resumed).not.toHaveBeenCalled()
    last().drop()
    vi.advanceTimersByTime(1000)
    last().open()
    last().frame({ type: 'subscribed', channel: 'c', position: { epoch: 'e', seq: 1 } })
    expect(resumed).toHaveBeenCalledTimes(1)
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open'])
  })

  it('unsubscribes when the last listener of a channel leaves, and routes frames by channel', () => {
    const { manager, last } = setup()
    const a: string[] = []
    const b: string[] = []
    const offA = manager.subscribe('a', { onFrame: (f) => a.push(f.type) })
    manager.subscribe('b', { onFrame: (f) => b.push(f.type) })
    last().open()
    last().frame(event('a', 1))
    last().frame({ type: 'counts', channel: 'b', at: 0, posts: [] })
    expect(a).toEqual(['event'])
    expect(b).toEqual(['counts'])
    offA()
    expect(last().sent).toContainEqual({ op: 'unsubscribe', channel: 'a' })
  })

  it('subscribes again after a rate-limited refusal, waiting longer than after an unavailable one', () => {
    const { manager, last } = setup()
    manager.subscribe('busy', { onFrame: () => {} })
    manager.subscribe('limited', { onFrame: () => {} })
    last().open()
    const refusal = { type: 'error', status: 0, title: '', detail: '' } as const
    last().frame({ ...refusal, code: 'unavailable', channel: 'busy' })
    last().frame({ ...refusal, code: 'rate-limited', channel: 'limited' })
    const again = (channel: string) =>
      last().sent.filter((m) => (m as { channel: string }).channel === channel)
    vi.advanceTimersByTime(1000)
    expect(again('busy')).toHaveLength(2)
    expect(again('limited')).toHaveLength(1)
    vi.advanceTimersByTime(15_000)
    expect(again('limited')).toHaveLength(2)
  })
})
