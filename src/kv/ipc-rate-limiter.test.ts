import { describe, expect, it } from 'vitest'
import { ipcChannel } from '../../test/_util/ipc.js'
import { createLogger } from '../logger.js'
import { systemClock } from '../util/clock.js'
import { IpcRateLimiter, serveRateLimits } from './ipc-rate-limiter.js'
import { testRateLimiterContract } from './rate-limiter.contract.js'
import { createRateLimiter, type RateLimiter } from './rate-limiter.js'

const logger = createLogger('silent')

/** A worker's limiter on a fresh IPC channel to a primary that serves `shared`. */
function workerLimiter(shared: RateLimiter) {
  const channel = ipcChannel()
  const stop = serveRateLimits(channel.primary, shared)
  const limiter = new IpcRateLimiter(channel.worker, logger)
  return {
    hit: limiter.hit.bind(limiter),
    count: limiter.count.bind(limiter),
    reset: limiter.reset.bind(limiter),
    close: async () => {
      await limiter.close()
      stop()
      channel.worker.disconnect()
    },
  }
}

describe('IpcRateLimiter (workers asking the cluster primary)', () => {
  testRateLimiterContract(async () => {
    const shared = createRateLimiter(systemClock)
    return { make: async () => workerLimiter(shared) }
  })

  it('shares one count between workers', async () => {
    const shared = createRateLimiter(systemClock)
    const one = workerLimiter(shared)
    const two = workerLimiter(shared)
    const decisions = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).hit('upload:ann', 5, 60_000)),
    )
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5)
    await one.close()
    await two.close()
  })

  it('fails open when the primary is gone', async () => {
    const channel = ipcChannel()
    const limiter = new IpcRateLimiter(channel.worker, logger)
    channel.worker.disconnect()
    expect(await limiter.hit('k', 1, 1000)).toEqual({ allowed: true, retryAfterMs: 0 })
    await limiter.close()
  })
})
