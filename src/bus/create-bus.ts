import type { Config } from '../config/config.js'
import { primaryPort } from '../ipc/ipc-port.js'
import type { Logger } from '../logger.js'
import type { Bus } from './bus.js'
import { IpcBus } from './ipc-bus.js'
import { MemoryBus } from './memory-bus.js'
import { RedisBus } from './redis-bus.js'

/**
 * Chooses the Bus for this process: Redis pub/sub when BACKLOT_REDIS_URL is set (several nodes); the IPC bus
 * relayed by the primary in a `serve --workers N` worker (one machine); else the in-memory bus.
 */
export async function createBus(config: Config, logger: Logger): Promise<Bus> {
  if (config.redis) return RedisBus.connect(config.redis, logger.child({ area: 'bus' }))
  const primary = primaryPort()
  return primary ? new IpcBus(primary) : new MemoryBus()
}
