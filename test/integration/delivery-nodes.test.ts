import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Bus, Unsubscribe } from '../../src/bus/bus.js'
import { MemoryBus } from '../../src/bus/memory-bus.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { publishPosts } from '../_util/events.js'
import { type SeededAccount, seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'

/**
 * One node's view of a shared bus that loses messages on the way to it (DESIGN rule 1: the bus is
 * lossy, the database is the log). `drop` sees each channel message this node would receive.
 */
class LossyNodeBus implements Bus {
  constructor(
    private readonly shared: Bus,
    private readonly drop: (message: string) => boolean,
  ) {}
  publish(topic: string, message: string): Promise<void> {
    return this.shared.publish(topic, message)
  }
  subscribe(topic: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    return this.shared.subscribe(topic, (message) => {
      if (topic.startsWith('channel:') && this.drop(message)) return
      onMessage(message)
    })
  }
  async close(): Promise<void> {}
  async [Symbol.asyncDispose](): Promise<void> {}
}

describe.each(testDatabases)('two nodes over a lossy bus on %s', (kind) => {
  let database: TestDatabase
  let shared: MemoryBus
  let writer: TestServer
  let reader: TestServer
  let owner: SeededAccount

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    shared = new MemoryBus()
    const env = { BACKLOT_STREAM_HEARTBEAT_SECONDS: '1' }
    writer = await startTestServer(kind, {
      database,
      env,
      overrides: { bus: new LossyNodeBus(shared, () => false) },
    })
    // Every third event never reaches the second node, including the last one of the burst.
    const seqOf = (message: string) => Number(message.slice(0, message.indexOf(' ')))
    reader = await startTestServer(kind, {
      database,
      env,
      overrides: { bus: new LossyNodeBus(shared, (m) => seqOf(m) % 3 === 0) },
    })
    owner = await seedAccount(writer.ctx, 'owner')
    await seedChannel(writer.ctx, owner.account, { slug: 'both-nodes' })
  })

  afterAll(async () => {
    await reader.destroy()
    await writer.destroy()
    await shared.close()
    await database.drop()
  })

  it('a post published on one node reaches the other node’s subscribers, every event once and in order', async () => {
    const onWriter = await StreamClient.open(writer.url)
    const onReader = await StreamClient.open(reader.url)
    await onWriter.subscribeAndWait('both-nodes')
    await onReader.subscribeAndWait('both-nodes')

    const postIds = await publishPosts(writer.url, owner.token, 'both-nodes', 30)
    for (const socket of [onWriter, onReader]) {
      const received = await socket.waitForEvents('both-nodes', 30)
      expect(received.map((f) => f.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
      expect(received.map((f) => f.event.data.id)).toEqual(postIds)
    }
    await onWriter.close()
    await onReader.close()
  })
})
