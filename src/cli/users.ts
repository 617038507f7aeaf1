import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { createAccountService } from '../accounts/index.js'
import { loadConfig } from '../config/config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { DomainError } from '../errors.js'
import { createRateLimiter } from '../kv/rate-limiter.js'
import { systemClock } from '../util/clock.js'

/** `backlot user create --handle H [--admin] [--display-name N] [--password P]`. */
export async function runUser(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'create') {
    console.error(
      'backlot: usage: backlot user create --handle H [--admin] [--display-name N] [--password P]',
    )
    return 1
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      handle: { type: 'string' },
      admin: { type: 'boolean', default: false },
      'display-name': { type: 'string' },
      password: { type: 'string' },
    },
    strict: true,
  })
  if (!values.handle) {
    console.error('backlot: user create needs --handle')
    return 1
  }
  const config = loadConfig()
  await using database = await openDatabase(config.database)
  await migrateToLatest(database.db)
  const accounts = createAccountService({
    db: database.db,
    clock: systemClock,
    config,
    rateLimiter: createRateLimiter(systemClock),
  })
  const password = values.password ?? randomBytes(12).toString('base64url')
  try {
    const account = await accounts.createAccount({
      handle: values.handle,
      displayName: values['display-name'] ?? values.handle,
      password,
      isAdmin: values.admin,
    })
    console.log(`created @${account.handle}${values.admin ? ' (server admin)' : ''}`)
    if (!values.password) console.log(`password: ${password}`)
    return 0
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(`backlot: ${error.detail}`)
      return 1
    }
    throw error
  }
}
