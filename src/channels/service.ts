// STUB — replaced by the channels area implementation.
import type { Db } from '../db/database.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Clock } from '../util/clock.js'

export interface ChannelServiceDeps {
  db: Db
  clock: Clock
  eventLog: EventLog
}

export function createChannelService(_deps: ChannelServiceDeps) {
  return {}
}
export type ChannelService = ReturnType<typeof createChannelService>
