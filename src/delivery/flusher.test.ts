import { describe, expect, it } from 'vitest'
import { createLogger } from '../logger.js'
import { createMetrics } from '../metrics.js'
import { Connection, type ConnectionHost } from './connection.js'
import { createFlusher, type FlushTiming, flushDiagnostics } from './flusher.js'
import { encodeWsText, heartbeatFrame, type Prepared } from './wire.js'

/** A connection whose transport records what it is given; a write may take (fake) time. */
class RecordingConnection extends Connection {
  readonly transport = 'ws' as const
  readonly writes: Buffer[] = []
  writeCostMs = 0

  constructor(
    host: ConnectionHost,
    private readonly clock: FakeTiming,
  ) {
    super(host, null)
  }

  protected transportBuffered(): number {
    return 0
  }
  protected transportWrite(data: Buffer): void {
    this.writes.push(data)
    this.clock.time += this.writeCostMs
  }
  protected transportClose(): void {}
  terminate(): void {}
  heartbeat(frame: Prepared): void {
    this.send(frame)
  }
}

/** Fake time: flushes run only when the test says so, and record how they were scheduled. */
class FakeTiming implements FlushTiming {
  time = 0
  scheduled: { flush: () => void; waitMs: number }[] = []
  now = () => this.time
  soon = (flush: () => void) => {
    this.scheduled.push({ flush, waitMs: 0 })
  }
  /** Runs the next scheduled flush (advancing time by its wait); returns the wait. */
  runNext(): number {
    const next = this.scheduled.shift()
    if (!next) throw new Error('no flush scheduled')
    this.time += next.waitMs
    next.flush()
    return next.waitMs
  }
}

/** `sliceMs` Infinity: each pass is written in one go (the slicing test sets it). */
function setup(count: number, sliceMs = Number.POSITIVE_INFINITY) {
  const timing = new FakeTiming()
  const metrics = createMetrics()
  const flusher = createFlusher(metrics, timing, sliceMs)
  const host: ConnectionHost = {
    bufferBytes: 1 << 20,
    metrics,
    logger: createLogger('silent'),
    markDirty: flusher.markDirty,
    connectionClosed() {},
    connectionFinished() {},
  }
  const connections = Array.from({ length: count }, () => new RecordingConnection(host, timing))
  return { timing, connections, flusher, metrics }
}

const frame = (text: string): Prepared => {
  const ws = encodeWsText(text)
  return { ws, sse: ws }
}

describe('flusher', () => {
  it('writes each connection once per flush, sharing the joined bytes between identical queues', () => {
    const { timing, connections } = setup(4)
    const [a, b, c, d] = connections as [
      RecordingConnection,
      RecordingConnection,
      RecordingConnection,
      RecordingConnection,
    ]
    const e1 = frame('{"type":"event","seq":1}')
    const e2 = frame('{"type":"event","seq":2}')
    for (const connection of [a, b, c]) connection.send(e1)
    c.heartbeat(heartbeatFrame) // c has one more frame in the middle, like a heartbeat slice
    for (const connection of [a, b, c]) connection.send(e2)
    d.send(e1) // a single frame is written as it is

    expect(timing.scheduled).toHaveLength(1)
    expect(timing.runNext()).toBe(0)

    for (const connection of connections) expect(connection.writes).toHaveLength(1)
    expect(a.writes[0]).toEqual(Buffer.concat([e1.ws, e2.ws]))
    expect(b.writes[0]).toBe(a.writes[0]) // the same Buffer, built once
    expect(c.writes[0]).toEqual(Buffer.concat([e1.ws, heartbeatFrame.ws, e2.ws]))
    expect(d.writes[0]).toBe(e1.ws)
  })

  /** Queues `event` on every connection as the hub does for one fanned-out event. */
  function fanOut(setupResult: ReturnType<typeof setup>, seq: number): Prepared {
    const event = frame(`{"type":"event","seq":${seq}}`)
    for (const connection of setupResult.connections) connection.send(event)
    setupResult.flusher.noteDelivered('c1', seq, 0, setupResult.connections.length)
    return event
  }

  it('starts the next pass at the end of the turn, even right after a long one', () => {
    const fixture = setup(100)
    for (const connection of fixture.connections) connection.writeCostMs = 1
    for (let seq = 1; seq <= 8; seq++) fanOut(fixture, seq)
    expect(fixture.timing.runNext()).toBe(0)
    expect(fixture.timing.time).toBe(100) // a 100 ms pass of a burst
    fanOut(fixture, 9)
    expect(fixture.timing.runNext()).toBe(0)
    expect(fixture.connections[0]!.writes).toHaveLength(2)
  })

  it('writes frames queued during a flush in the next one', () => {
    const { timing, connections } = setup(2)
    const [a, b] = connections as [RecordingConnection, RecordingConnection]
    const late = frame('late')
    const original = b.flush.bind(b)
    // While b is written, something queues on a (already written in this flush).
    b.flush = (concat) => {
      a.send(late)
      return original(concat)
    }
    a.send(frame('first'))
    b.send(frame('first'))
    timing.runNext()
    expect(a.writes).toHaveLength(1)
    expect(timing.scheduled).toHaveLength(1)
    timing.runNext()
    expect(a.writes[1]).toBe(late.ws)
  })

  it('writes a long pass in slices; an event fanned out between slices joins the unwritten sockets', () => {
    const fixture = setup(100, 10)
    const { timing, connections } = fixture
    for (const connection of connections) connection.writeCostMs = 1
    const one = fanOut(fixture, 1)
    const seen: number[] = []
    const onFlush = (message: unknown) =>
      seen.push(...(message as { events: { seq: number }[] }).events.map((e) => e.seq))
    flushDiagnostics.subscribe(onFlush)
    try {
      timing.runNext() // first slice: 10 ms budget, checked every 32 connections
      expect(connections.filter((c) => c.writes.length === 1)).toHaveLength(32)
      expect(timing.scheduled).toHaveLength(1) // the rest of the pass, at the end of this turn

      const two = fanOut(fixture, 2) // arrives between slices
      while (timing.scheduled.length > 0 && connections.some((c) => c.writes.length === 0)) timing.runNext()
      // The first 32 got event 1 alone and wait for a second pass; the others got both in one write.
      expect(connections[0]!.writes).toEqual([one.ws])
      expect(connections[99]!.writes).toEqual([Buffer.concat([one.ws, two.ws])])
      expect(seen).toEqual([1]) // event 2 is not written everywhere yet
      while (timing.scheduled.length > 0) timing.runNext()
      expect(connections[0]!.writes).toEqual([one.ws, two.ws])
      expect(connections[99]!.writes).toHaveLength(1)
      expect(seen).toEqual([1, 2])
    } finally {
      flushDiagnostics.unsubscribe(onFlush)
    }
  })

  it('keeps what a pass shares intact when written connections queue again in the same pass', () => {
    // Connections reuse their queue array after a write; the joined bytes a pass shares must not
    // follow it. Between slices, written connections queue [e3, e4] where [e1, e2] was.
    const fixture = setup(64, 10)
    const { timing, connections } = fixture
    for (const connection of connections) connection.writeCostMs = 1
    const e1 = fanOut(fixture, 1)
    const e2 = fanOut(fixture, 2)
    timing.runNext() // 32 connections written with [e1, e2]
    const e3 = frame('{"type":"event","seq":3}')
    const e4 = frame('{"type":"event","seq":4}')
    for (const connection of connections.slice(0, 32)) {
      connection.send(e3)
      connection.send(e4)
    }
    while (timing.scheduled.length > 0) timing.runNext()
    const first = Buffer.concat([e1.ws, e2.ws])
    const second = Buffer.concat([e3.ws, e4.ws])
    for (const connection of connections.slice(0, 32)) expect(connection.writes).toEqual([first, second])
    for (const connection of connections.slice(32)) expect(connection.writes).toEqual([first])
    // Everything written went out once, and the shared Buffers still hold what they were built with.
    expect(connections[0]!.writes[0]).toEqual(first)
  })

  it('lets a one-frame write drop a queue array a burst grew, and keeps writing correctly', () => {
    const fixture = setup(1)
    const { timing, connections } = fixture
    const [a] = connections as [RecordingConnection]
    const burst = Array.from({ length: 40 }, (_, i) => frame(`{"type":"event","seq":${i + 1}}`))
    for (const event of burst) a.send(event)
    timing.runNext()
    const quiet = frame('{"type":"event","seq":41}')
    a.send(quiet)
    timing.runNext()
    const after = [frame('{"type":"event","seq":42}'), frame('{"type":"event","seq":43}')]
    for (const event of after) a.send(event)
    timing.runNext()
    expect(a.writes).toEqual([
      Buffer.concat(burst.map((e) => e.ws)),
      quiet.ws,
      Buffer.concat(after.map((e) => e.ws)),
    ])
  })

  it('gives a slice at least as long as the loop spent elsewhere since the last one', () => {
    const fixture = setup(200, 10)
    const { timing, connections } = fixture
    for (const connection of connections) connection.writeCostMs = 1
    fanOut(fixture, 1)
    timing.runNext() // 10 ms budget, checked every 32 writes: 32 written
    expect(connections.filter((c) => c.writes.length === 1)).toHaveLength(32)
    timing.time += 50 // other callbacks ran for 50 ms
    timing.runNext() // so this slice may take 50 ms: 64 more
    expect(connections.filter((c) => c.writes.length === 1)).toHaveLength(96)
  })
})
