import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { metaKeys, readMeta, writeMeta } from './meta.js'
import type { Replacement } from './replacement.js'
import { rotateStreamEpoch } from './stream-epoch.js'

/**
 * Facts about where Backlot's tables live that a restore changes and a restart does not. PostgreSQL
 * has no data folder of ours to keep a sidecar in, so the start-time check compares these with the
 * copy stored in `meta`:
 * - `table`: the oid of `channel_event` — pg_restore or psql recreate the tables, with new oids;
 * - `database`: the database's oid — a dump loaded into a new database;
 * - `system`: the cluster's system identifier — a base backup restored onto another cluster;
 * - `timeline`: the WAL timeline — point-in-time recovery, and a failover (which may lose the last
 *   commits of an asynchronous standby) both start a new one.
 * `system` and `timeline` are null where the server does not let us read them (some managed
 * services revoke these functions); the oids still see a dump restored.
 */
export interface PostgresAnchor {
  table: number
  database: number
  system: string | null
  timeline: string | null
}

async function readAnchor(db: DbOrTx): Promise<PostgresAnchor> {
  try {
    const { rows } = await sql<PostgresAnchor>`
      select 'channel_event'::regclass::oid::int8 as "table", d.oid::int8 as "database",
        s.system_identifier::text as "system",
        substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) as "timeline"
      from pg_database d, pg_control_system() s
      where d.datname = current_database()`.execute(db)
    return rows[0]!
  } catch {
    const { rows } = await sql<PostgresAnchor>`
      select 'channel_event'::regclass::oid::int8 as "table", d.oid::int8 as "database",
        null as "system", null as "timeline"
      from pg_database d where d.datname = current_database()`.execute(db)
    return rows[0]!
  }
}

/**
 * The start-time check on PostgreSQL: one query for the facts and one for the stored copy when
 * nothing changed (every ordinary start). On a change, nodes starting together take turns on the
 * epoch row's lock: the first rotates the epoch and stores the new facts, the others then find them
 * equal and keep that epoch — so the epoch changes once and every node serves the same one.
 */
export async function checkPostgresAnchor(db: Db): Promise<Replacement | null> {
  const current = await readAnchor(db)
  const stored = (await readMeta(db, [metaKeys.postgresAnchor])).get(metaKeys.postgresAnchor)
  if (stored === JSON.stringify(current)) return null
  return db.transaction().execute(async (tx) => {
    await sql`select value from meta where key = ${metaKeys.streamEpoch} for update`.execute(tx)
    const storedNow = (await readMeta(tx, [metaKeys.postgresAnchor])).get(metaKeys.postgresAnchor)
    const replacement = storedNow === undefined ? null : anchorChange(parseAnchor(storedNow), current)
    if (replacement) await rotateStreamEpoch(tx)
    await writeMeta(tx, metaKeys.postgresAnchor, JSON.stringify(current))
    return replacement
  })
}

function parseAnchor(text: string): Partial<PostgresAnchor> {
  try {
    return JSON.parse(text) as Partial<PostgresAnchor>
  } catch {
    return {}
  }
}

/** Which fact changed; a fact unknown on either side (null, or never stored) is not compared. */
export function anchorChange(stored: Partial<PostgresAnchor>, current: PostgresAnchor): Replacement | null {
  const differs = (key: keyof PostgresAnchor) =>
    stored[key] != null && current[key] != null && stored[key] !== current[key]
  if (differs('system')) {
    return { reason: 'cluster-changed', detail: 'the database now lives on another PostgreSQL cluster' }
  }
  if (differs('timeline')) {
    return {
      reason: 'timeline-changed',
      detail: `the PostgreSQL timeline moved from ${stored.timeline} to ${current.timeline} (point-in-time recovery or failover)`,
    }
  }
  if (differs('database')) {
    return { reason: 'database-changed', detail: 'the schema was loaded into another database' }
  }
  if (differs('table')) {
    return { reason: 'tables-recreated', detail: "Backlot's tables were recreated (pg_restore or psql)" }
  }
  return null
}
