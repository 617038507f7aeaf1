import type { Migration } from 'kysely'
import * as m0001 from './0001-init.js'

/** Ordered registry of migrations. Add new ones at the end; never edit a migration that has shipped. */
export const migrations: Record<string, Migration> = {
  '0001-init': m0001,
}
