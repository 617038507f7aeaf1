// STUB — replaced by the delivery area implementation.
import type { Bus } from '../bus/bus.js'
import type { Config } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'

export interface HubDeps {
  db: Db
  bus: Bus
  eventLog: EventLog
  metrics: Metrics
  config: Config['stream']
  logger: Logger
}

export function createHub(_deps: HubDeps) {
  return {
    async start(): Promise<void> {},
    /** Closes every stream with the "server restarting, reconnect" code. */
    closeAllForShutdown(): void {},
    async close(): Promise<void> {},
  }
}
export type Hub = ReturnType<typeof createHub>
