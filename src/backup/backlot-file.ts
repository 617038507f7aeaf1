import SqliteDatabase from 'better-sqlite3'
import { migrations } from '../db/migrations/index.js'
import { metaKeys } from './meta.js'
import { refuse } from './refusal.js'

/**
 * Refuses, with one line saying why, a file that is not a sound Backlot SQLite database: not SQLite
 * at all, damaged (integrity check), without the `meta` table and its stream epoch, or written by a
 * newer Backlot whose migrations this one does not know.
 */
export function checkBacklotDatabase(file: string, label: string): void {
  let database: SqliteDatabase.Database
  try {
    database = new SqliteDatabase(file, { fileMustExist: true })
  } catch (error) {
    refuse(`${label} cannot be opened: ${(error as Error).message}`)
  }
  try {
    inspect(database, label)
  } finally {
    database.close()
  }
}

function inspect(database: SqliteDatabase.Database, label: string): void {
  let integrity: string
  try {
    integrity = String(database.pragma('integrity_check(1)', { simple: true }))
  } catch (error) {
    refuse(`${label} is not a Backlot database: ${(error as Error).message}`)
  }
  if (integrity !== 'ok') refuse(`${label} is damaged: ${integrity}`)
  const hasTable = (name: string) =>
    database.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined
  if (!hasTable('meta') || !hasTable('kysely_migration')) {
    refuse(`${label} is not a Backlot database: it has no meta or migration table`)
  }
  const epoch = database.prepare('select value from meta where key = ?').get(metaKeys.streamEpoch)
  if (!epoch) refuse(`${label} is not a Backlot database: it has no stream epoch`)
  const names = database.prepare('select name from kysely_migration').pluck().all() as string[]
  const unknown = names.filter((name) => !(name in migrations))
  if (unknown.length > 0) {
    refuse(`${label} was written by a newer Backlot (migration ${unknown[0]} is unknown here); upgrade first`)
  }
}
