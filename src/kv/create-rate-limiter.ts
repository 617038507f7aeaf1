import type { Config } from '../config/config.js'
import { primaryPort } from '../ipc/ipc-port.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import { IpcRateLimiter } from './ipc-rate-limiter.js'
import { createRateLimiter, type RateLimiter } from './rate-limiter.js'
import { RedisRateLimiter } from './redis-rate-limiter.js'

export type ClosableRateLimiter = RateLimiter & { close(): Promise<void> }

/**
 * Chooses where rate-limit counters live, so a limit holds however requests are spread: in Redis
 * when BACKLOT_REDIS_URL is set (every node), in the cluster primary for `serve --workers N` (every worker
 * of the machine), else in this process.
 */
export async function createConfiguredRateLimiter(
  config: Config,
  deps: { clock: Clock; logger: Logger },
): Promise<ClosableRateLimiter> {
  if (config.redis) return RedisRateLimiter.connect(config.redis, deps.logger.child({ area: 'rate-limit' }))
  const primary = primaryPort()
  if (primary) return new IpcRateLimiter(primary, deps.logger.child({ area: 'rate-limit' }))
  return Object.assign(createRateLimiter(deps.clock), { close: async () => {} })
}
