import type { DatabaseConfig } from '../config/config.js'
import type { Db } from '../db/database.js'
import { readStreamEpoch } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import { checkPostgresAnchor } from './pg-anchor.js'
import type { Replacement } from './replacement.js'
import { checkSqliteIncarnation, stampSqliteIncarnation } from './sqlite-guard.js'

/**
 * Any restore changes the stream epoch (DESIGN rule 2, issue 14): a database put back from a
 * backup reuses sequence numbers for new events, and a client resuming in the old epoch would
 * silently miss them. `backlot restore` rotates the epoch itself; this start-time check also
 * catches restores made by hand — SQLite through the incarnation sidecar (sqlite-guard.ts),
 * PostgreSQL through facts a restore changes (pg-anchor.ts). What no marker can see (a whole data
 * folder restored with its sidecar) is left to the per-client check of the resumed event's id
 * (delivery/subscribe.ts).
 */
export async function settleStreamEpoch(db: Db, database: DatabaseConfig, logger: Logger): Promise<string> {
  const replacement = await detectReplacement(db, database)
  const epoch = await readStreamEpoch(db)
  if (replacement) {
    logger.warn(
      { area: 'backup', reason: replacement.reason, epoch },
      `the database was replaced since the last start: ${replacement.detail}; ` +
        'the stream epoch changed, so every client reloads instead of resuming',
    )
  }
  return epoch
}

function detectReplacement(db: Db, database: DatabaseConfig): Promise<Replacement | null> {
  if (database.kind === 'postgres') return checkPostgresAnchor(db)
  if (database.location === ':memory:') return Promise.resolve(null)
  return checkSqliteIncarnation(db, database.location)
}

/** At a clean stop: on SQLite, a new incarnation token (see stampSqliteIncarnation). */
export async function stampCleanStop(db: Db, database: DatabaseConfig): Promise<void> {
  if (database.kind === 'sqlite' && database.location !== ':memory:') {
    await stampSqliteIncarnation(db, database.location)
  }
}
