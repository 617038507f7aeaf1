import { performance } from 'node:perf_hooks'
import type { IpcPort } from '../../src/ipc/ipc-port.js'
import { IpcRateLimiter } from '../../src/kv/ipc-rate-limiter.js'
import { createLogger } from '../../src/logger.js'

/**
 * The worker half of bench/rate-limits/run.ts's IPC measurement: hits the limiter held by the parent
 * (as a `serve --workers` worker asks the cluster primary): one at a time, then 64 in flight.
 */
const HITS = 5000
const limiter = new IpcRateLimiter(process as unknown as IpcPort, createLogger('silent'))
const latencies: number[] = []
for (let i = 0; i < HITS; i++) {
  const started = performance.now()
  await limiter.hit(`rl:bench:a:${i % 100}`, 1_000_000, 60_000)
  latencies.push(performance.now() - started)
}
const started = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (next++ < HITS * 4) await limiter.hit(`rl:bench:ip:${next % 1000}`, 1_000_000, 60_000)
  }),
)
const perSecond = Math.round((HITS * 4) / ((performance.now() - started) / 1000))
await limiter.close()
process.send?.({ latencies, perSecond }, () => process.disconnect())
