import { sql } from 'kysely'
import { type Config, deprecatedVariables, loadConfig, unknownBacklotVariables } from '../config/config.js'
import { openDatabase } from '../db/database.js'
import {
  type CheckResult,
  checkClock,
  checkMediaStore,
  checkMigrations,
  checkPublicUrl,
  checkRedis,
  checkVapid,
} from './doctor-checks.js'

/**
 * `backlot doctor`: checks a deployment from its configuration, one line per check
 * (`ok`/`warn`/`fail`, the check, the detail), and exits 1 when any fails. Read-only except for one
 * small file written to and deleted from the media store. Run it with the server's environment.
 */
export async function runDoctor(): Promise<number> {
  const results: CheckResult[] = []
  const print = (result: CheckResult) => {
    results.push(result)
    console.log(`${result.status.padEnd(4)}  ${result.name.padEnd(11)} ${result.detail}`)
  }
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    print({ status: 'fail', name: 'config', detail: error instanceof Error ? error.message : String(error) })
    return 1
  }
  // Old names and typos work or are ignored at start, with a warning the operator may not see.
  const unknown = unknownBacklotVariables()
  const deprecated = deprecatedVariables()
  if (unknown.length > 0)
    print({ status: 'warn', name: 'config', detail: `unknown, ignored (a typo?): ${unknown.join(', ')}` })
  if (deprecated.length > 0) {
    const renames = deprecated.map(
      (d) => `${d.name} → ${d.replacement}${d.isIgnored ? ' (ignored: both set)' : ''}`,
    )
    print({ status: 'warn', name: 'config', detail: `old names, rename them: ${renames.join(', ')}` })
  }
  if (unknown.length === 0 && deprecated.length === 0)
    print({ status: 'ok', name: 'config', detail: 'every variable valid' })
  await databaseChecks(config, print)
  print(await checkRedis(config))
  print(await checkMediaStore(config))
  print(checkPublicUrl(config))
  return results.some((r) => r.status === 'fail') ? 1 : 0
}

/** Reachable first; the other database checks need it (and are reported as skipped without it). */
async function databaseChecks(config: Config, print: (result: CheckResult) => void): Promise<void> {
  const where = config.database.kind === 'sqlite' ? `sqlite ${config.database.location}` : 'postgres'
  try {
    await using database = await openDatabase(config.database)
    await sql`select 1`.execute(database.db)
    print({ status: 'ok', name: 'database', detail: `${where} reachable` })
    const migrations = await checkMigrations(database.db)
    print(migrations)
    print(
      migrations.status === 'ok'
        ? await checkVapid(database.db, config)
        : { status: 'warn', name: 'vapid', detail: 'not checked: the database is not migrated' },
    )
    print(await checkClock(database.db))
  } catch (error) {
    print({
      status: 'fail',
      name: 'database',
      detail: `${where}: ${error instanceof Error ? error.message : error}`,
    })
  }
}
