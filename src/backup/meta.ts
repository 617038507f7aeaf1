import type { DbOrTx } from '../db/database.js'

/**
 * Keys of the `meta` rows that say which history a database holds (DESIGN rule 2). `stream_epoch`
 * is created by the first migration; the others are written lazily, so older databases need no
 * migration and simply lack them.
 */
export const metaKeys = {
  /** The epoch every stream position of this database belongs to. */
  streamEpoch: 'stream_epoch',
  /** SQLite: the token last stamped at a start or clean stop; its twin is the sidecar file (incarnation.ts). */
  incarnation: 'incarnation',
  /** Set only in a copy written by `backlot backup`: its ISO time. A database carrying it is a restored copy. */
  backupTakenAt: 'backup_taken_at',
  /** PostgreSQL: facts a restore changes (pg-anchor.ts), as JSON. */
  postgresAnchor: 'postgres_anchor',
} as const

/** The values of `keys` that are present. */
export async function readMeta(db: DbOrTx, keys: string[]): Promise<Map<string, string>> {
  const rows = await db.selectFrom('meta').select(['key', 'value']).where('key', 'in', keys).execute()
  return new Map(rows.map((row) => [row.key, row.value]))
}

export async function writeMeta(db: DbOrTx, key: string, value: string): Promise<void> {
  await db
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute()
}

export async function deleteMeta(db: DbOrTx, key: string): Promise<void> {
  await db.deleteFrom('meta').where('key', '=', key).execute()
}
