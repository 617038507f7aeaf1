import { afterAll, describe, expect, it } from 'vitest'
import { deleteRedisKeys, redisAdmin, testRedisSettings } from '../../test/_util/redis.js'
import { createLogger } from '../logger.js'
import { BullMqQueue } from './bullmq-queue.js'
import { sleep, testQueueContract, waitFor } from './queue.contract.js'
import type { RepeatRun } from './queue.js'

describe('BullMqQueue [redis]', () => {
  const settings = testRedisSettings('queue')
  testQueueContract('BullMqQueue', async (logger) => new BullMqQueue(settings, logger))

  afterAll(async () => {
    const admin = await redisAdmin()
    await deleteRedisKeys(admin, settings.prefix)
    admin.disconnect()
  })
})

/** Issue "One direction of dependencies", item 6: periodic work runs once per cluster, not per node. */
describe('BullMqQueue repeated jobs on two nodes sharing Redis [redis]', () => {
  const settings = testRedisSettings('queue-nodes')
  const nodes = () => [0, 1].map(() => new BullMqQueue(settings, createLogger('silent')))
  let n = 0
  const name = () => `periodic-${process.pid}-${++n}`

  afterAll(async () => {
    const admin = await redisAdmin()
    await deleteRedisKeys(admin, settings.prefix)
    admin.disconnect()
  })

  it('runs each interval once on one of the nodes, not once per node', async () => {
    const job = name()
    const everyMs = 100
    const runs: Array<RepeatRun & { node: number }> = []
    const queues = nodes()
    try {
      for (const [node, queue] of queues.entries()) {
        await queue.repeat(job, { everyMs }, async (run) => {
          runs.push({ ...run, node })
        })
      }
      await waitFor(() => runs.length >= 8)
    } finally {
      await Promise.all(queues.map((q) => q.close()))
    }
    const dueTimes = runs.map((r) => r.dueAt)
    // No interval ran twice, and the due times sit on one schedule, one or more intervals apart.
    expect(new Set(dueTimes).size).toBe(dueTimes.length)
    const sorted = [...dueTimes].sort((a, b) => a - b)
    for (let i = 1; i < sorted.length; i++) {
      expect((sorted[i]! - sorted[i - 1]!) % everyMs, `${sorted[i - 1]} → ${sorted[i]}`).toBe(0)
    }
  })

  it('lets a node that starts later join the schedule instead of running the job again', async () => {
    const job = name()
    const runs: number[] = []
    const [first, second] = nodes()
    try {
      await first!.repeat(job, { everyMs: 60_000 }, async () => {
        runs.push(0)
      })
      await waitFor(() => runs.length === 1)
      await second!.repeat(job, { everyMs: 60_000 }, async () => {
        runs.push(1)
      })
      // Restarting the first node too: it upserts the same schedule again.
      await first!.close()
      const restarted = new BullMqQueue(settings, createLogger('silent'))
      await restarted.repeat(job, { everyMs: 60_000 }, async () => {
        runs.push(2)
      })
      await sleep(500)
      await restarted.close()
    } finally {
      await Promise.all([first!.close(), second!.close()])
    }
    expect(runs).toEqual([0])
  })
})
