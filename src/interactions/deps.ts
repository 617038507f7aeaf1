import type { Db } from '../db/database.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import type { CountsMarker } from './live-counts.js'

/** What every part of the interactions service is built from (STYLE rule 2: explicit deps). */
export interface InteractionDeps {
  db: Db
  clock: Clock
  eventLog: EventLog
  /** Marks a post's public counts as changed, for the live `counts` frames. */
  marker: CountsMarker
  logger: Logger
  /**
   * The group-commit window of interaction writes in ms (BACKLOT_INTERACTION_BATCH_MS,
   * group-commit.ts); 0 batches only what arrives within one event-loop turn.
   */
  batchWindowMs?: number
}
