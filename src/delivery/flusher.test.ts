import { describe, expect, it } from 'vitest'
import { createLogger } from '../logger.js'
import { createMetrics } from '../metrics.js'
import { Connection, type ConnectionHost } from './connection.js'
import { createFlusher, type FlushTiming } from './flusher.js'
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
  /** Fake CPU time runs with the clock: a write's cost is CPU time. */
  cpu = () => this.time
  soon = (flush: () => void) => {
    this.scheduled.push({ flush, waitMs: 0 })
  }
  later = (flush: () => void, ms: number) => {
    this.scheduled.push({ flush, waitMs: ms })
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

function setup(count: number) {
  const timing = new FakeTiming()
  const metrics = createMetrics()
  const flusher = createFlusher(metrics, timing)
  const host: ConnectionHost = {
    bufferBytes: 1 << 20,
    metrics,
    logger: createLogger('silent'),
    markDirty: flusher.markDirty,
    connectionClosed() {},
    connectionFinished() {},
  }
  const connections = Array.from({ length: count }, () => new RecordingConnection(host, timing))
  return { timing, connections }
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

  it('paces flushes after a long one, so frames queued meanwhile share a write; a quiet event goes at once', () => {
    const { timing, connections } = setup(100)
    const [a, b] = connections as [RecordingConnection, RecordingConnection]
    for (const connection of connections) connection.writeCostMs = 1

    const one = frame('one')
    for (const connection of connections) connection.send(one)
    expect(timing.runNext()).toBe(0) // nothing came before: at the end of the turn
    expect(timing.time).toBe(100)

    // Right after a 100 ms flush, the next one waits half as long, and takes in all that comes.
    const two = frame('two')
    const three = frame('three')
    a.send(two)
    a.send(three)
    b.send(two)
    expect(timing.scheduled).toHaveLength(1)
    expect(timing.runNext()).toBe(50)
    expect(a.writes).toHaveLength(2)
    expect(a.writes[1]).toEqual(Buffer.concat([two.ws, three.ws]))
    expect(b.writes).toHaveLength(2)

    // Long after the last flush, an event is flushed at the end of its turn again.
    timing.time += 1000
    a.send(frame('four'))
    expect(timing.runNext()).toBe(0)
    expect(a.writes).toHaveLength(3)
  })

  it('does not pace after a flush of a few connections, however slow', () => {
    const { timing, connections } = setup(2)
    const [a, b] = connections as [RecordingConnection, RecordingConnection]
    a.writeCostMs = 40
    a.send(frame('one'))
    b.send(frame('one'))
    timing.runNext()
    a.send(frame('two'))
    expect(timing.runNext()).toBe(0)
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
})
