import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { LoggedEvent } from '../event-log/event-log.js'
import { encodeEventFrame } from '../event-log/frames.js'
import { ChannelFeed, type FeedSubscriber } from './channel-feed.js'
import type { Position, ResetReason, UnsubscribeReason } from './protocol.js'
import type { PreparedEvent } from './wire.js'

const epoch = 'e1'

function logged(seq: number): LoggedEvent {
  const id = `ev${seq}`
  const frame = encodeEventFrame({
    channel: 'show',
    epoch,
    seq,
    id,
    type: 'post.published',
    at: seq,
    data: '{}',
  })
  return { channelId: 'c1', channelSlug: 'show', seq, id, type: 'post.published', at: seq, frame }
}

const busMessage = (seq: number) => `${seq} ${seq} ${logged(seq).frame}`

class Collector implements FeedSubscriber {
  accountId = null
  liveFrom: number | undefined
  seqs: number[] = []
  resets: { reason: ResetReason; position: Position }[] = []
  failures: string[] = []
  ended: UnsubscribeReason[] = []
  setLiveFrom(seq: number) {
    this.liveFrom = seq
  }
  deliver(event: PreparedEvent) {
    this.seqs.push(event.seq)
  }
  reset(reason: ResetReason, position: Position) {
    this.resets.push({ reason, position })
  }
  fail(detail: string) {
    this.failures.push(detail)
  }
  end(reason: UnsubscribeReason) {
    this.ended.push(reason)
  }
}

/** A feed over an in-memory "database" holding events 1..dbHead; `startSeq` is channel.last_seq at start. */
function makeFeed(
  options: { startSeq?: number; dbHead?: number; replayLimit?: number; failReads?: number } = {},
) {
  let dbHead = options.dbHead ?? 100
  let failReads = options.failReads ?? 0
  const reads: [number, number][] = []
  let gate: Promise<void> = Promise.resolve()
  let onMessage: ((message: string) => void) | undefined
  const feed = new ChannelFeed({
    channelId: 'c1',
    epoch,
    replayLimit: options.replayLimit ?? 1000,
    logger: pino({ level: 'silent' }),
    retryDelaysMs: [1, 1],
    onDelivered: () => {},
    onDone: () => {},
    read: async (afterSeq, limit) => {
      reads.push([afterSeq, limit])
      await gate
      if (failReads > 0) {
        failReads--
        throw new Error('database down')
      }
      const events: LoggedEvent[] = []
      for (let seq = afterSeq + 1; seq <= Math.min(dbHead, afterSeq + limit); seq++) events.push(logged(seq))
      return events
    },
  })
  const started = feed.start(
    async (handler) => {
      onMessage = handler
      return async () => {}
    },
    async () => options.startSeq ?? 0,
  )
  return {
    feed,
    started,
    reads,
    publish: (seq: number) => onMessage!(busMessage(seq)),
    setDbHead: (seq: number) => {
      dbHead = seq
    },
    hold: () => {
      let release!: () => void
      gate = new Promise((resolve) => {
        release = resolve
      })
      return release
    },
  }
}

describe('ChannelFeed', () => {
  it('fills a bus gap from the database: 1, 2, 5 delivers 1..5 in order', async () => {
    const { feed, started, publish, reads } = makeFeed()
    const sub = new Collector()
    feed.add(sub)
    await started
    publish(1)
    publish(2)
    publish(5)
    await feed.idle()
    expect(sub.seqs).toEqual([1, 2, 3, 4, 5])
    expect(reads).toEqual([[2, 2]]) // only 3 and 4 were read
  })

  it('drops duplicates and replays of what it already delivered', async () => {
    const { feed, started, publish } = makeFeed()
    const sub = new Collector()
    feed.add(sub)
    await started
    for (const seq of [1, 2, 2, 1, 5, 3, 4, 5, 6]) publish(seq)
    await feed.idle()
    expect(sub.seqs).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('delivers messages that arrive during a fill after it, in order', async () => {
    const { feed, started, publish, hold } = makeFeed()
    const sub = new Collector()
    feed.add(sub)
    await started
    const release = hold()
    publish(3) // gap 1..2: a read starts and waits
    publish(4)
    publish(2) // already covered by the fill
    publish(6) // another gap (5)
    expect(sub.seqs).toEqual([])
    release()
    await feed.idle()
    expect(sub.seqs).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('starts after channel.last_seq: earlier messages held during start-up are dropped', async () => {
    const { feed, started, publish } = makeFeed({ startSeq: 10 })
    const sub = new Collector()
    feed.add(sub)
    await started
    expect(sub.liveFrom).toBe(10)
    publish(9)
    publish(10)
    publish(11)
    await feed.idle()
    expect(sub.seqs).toEqual([11])
  })

  it('catches up a lost tail when the database is ahead (heartbeat check)', async () => {
    const { feed, started, publish } = makeFeed()
    const sub = new Collector()
    feed.add(sub)
    await started
    publish(1)
    feed.syncTo(3) // 2 and 3 were lost on the bus and nothing came after them
    await feed.idle()
    publish(3) // the late bus copy is a duplicate
    publish(4)
    await feed.idle()
    expect(sub.seqs).toEqual([1, 2, 3, 4])
  })

  it('resets subscribers instead of filling a gap longer than the replay limit', async () => {
    const { feed, started, publish } = makeFeed({ replayLimit: 5 })
    const sub = new Collector()
    feed.add(sub)
    await started
    publish(1)
    publish(20)
    publish(21)
    await feed.idle()
    expect(sub.seqs).toEqual([1, 20, 21])
    expect(sub.resets).toEqual([{ reason: 'gap-too-large', position: { epoch, seq: 19 } }])
  })

  it('retries a failing database read, then fails its subscribers rather than skip events', async () => {
    const recovering = makeFeed({ failReads: 2 })
    const a = new Collector()
    recovering.feed.add(a)
    await recovering.started
    recovering.publish(3)
    await recovering.feed.idle()
    expect(a.seqs).toEqual([1, 2, 3])

    const broken = makeFeed({ failReads: 10 })
    const b = new Collector()
    broken.feed.add(b)
    await broken.started
    broken.publish(3)
    await broken.feed.idle()
    expect(b.seqs).toEqual([])
    expect(b.failures).toHaveLength(1)
    expect(broken.feed.subscribers.size).toBe(0)
  })
})
