import { performance } from 'node:perf_hooks'
import type { Bus } from '../../src/bus/bus.js'
import { MemoryBus } from '../../src/bus/memory-bus.js'
import { RedisBus } from '../../src/bus/redis-bus.js'
import { createLogger } from '../../src/logger.js'
import { percentile } from '../lib/server-process.js'

/**
 * The bus alone: publish on one bus instance, receive on another (two "nodes" in this process),
 * one message every `gapMs`, each about the size of a text post's frame. Isolates what the Redis
 * hop adds from HTTP, the database and the fan-out.
 */
export async function busHop(redisUrl: string, messages = 2000, gapMs = 1) {
  const logger = createLogger('silent')
  const prefix = `bench:hop:${process.pid}:`
  const memory = new MemoryBus()
  const redisA = await RedisBus.connect({ url: redisUrl, prefix }, logger)
  const redisB = await RedisBus.connect({ url: redisUrl, prefix }, logger)
  try {
    return {
      memory: await hop(memory, memory, messages, gapMs),
      redis: await hop(redisA, redisB, messages, gapMs),
    }
  } finally {
    await Promise.all([memory.close(), redisA.close(), redisB.close()])
  }
}

async function hop(publisher: Bus, subscriber: Bus, messages: number, gapMs: number) {
  const frame = `{"type":"event","channel":"bench","seq":1,"event":{"data":{"text":"${'x'.repeat(500)}"}}}`
  const latencies: number[] = []
  let sentAt = 0
  let received = 0
  const unsubscribe = await subscriber.subscribe('channel:hop', () => {
    latencies.push(performance.now() - sentAt)
    received++
  })
  for (let i = 0; i < messages; i++) {
    const target = received + 1
    sentAt = performance.now()
    await publisher.publish('channel:hop', `${i + 1} ${Date.now()} ${frame}`)
    while (received < target) await new Promise((r) => setImmediate(r))
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs))
  }
  await unsubscribe()
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  }
}
