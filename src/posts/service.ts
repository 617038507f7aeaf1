// STUB — replaced by the posts area implementation.
import type { Db } from '../db/database.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Clock } from '../util/clock.js'

export interface PostServiceDeps {
  db: Db
  clock: Clock
  eventLog: EventLog
}

export function createPostService(_deps: PostServiceDeps) {
  return {}
}
export type PostService = ReturnType<typeof createPostService>
