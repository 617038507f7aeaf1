import { randomBytes } from 'node:crypto'
import { createAccountService } from '../accounts/index.js'
import { loadConfig } from '../config/config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { DomainError } from '../errors.js'
import { createRateLimiter } from '../kv/rate-limiter.js'
import { systemClock } from '../util/clock.js'
import { parseOrRefuse } from './refusal.js'
import { isUserAdminCommand, runUserAdmin, USER_ADMIN_USAGE } from './user-admin.js'

/** The account service over this configuration's database (migrated); disposing closes the database. */
async function openAccounts() {
  const config = loadConfig()
  const database = await openDatabase(config.database)
  await migrateToLatest(database.db)
  const accounts = createAccountService({
    db: database.db,
    clock: systemClock,
    config,
    rateLimiter: createRateLimiter(systemClock),
  })
  return { accounts, [Symbol.asyncDispose]: () => database[Symbol.asyncDispose]() }
}

/** `backlot user create --handle H [--admin] [--display-name N] [--password P]`. */
const USAGE = `backlot: usage: backlot user create --handle H [--admin] [--display-name N] [--password P]
       backlot user sessions --handle H      (where the account is logged in)
       backlot user logout --handle H        (end every session of the account)
${USER_ADMIN_USAGE}`

export async function runUser(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub === 'sessions' || sub === 'logout') return runSessions(sub, rest)
  if (isUserAdminCommand(sub)) return runUserAdmin(sub, rest)
  if (sub !== 'create') {
    console.error(USAGE)
    return 1
  }
  const values = parseOrRefuse(rest, {
    handle: { type: 'string' },
    admin: { type: 'boolean', default: false },
    'display-name': { type: 'string' },
    password: { type: 'string' },
  })
  if (!values) return 1
  if (!values.handle) {
    console.error('backlot: user create needs --handle')
    return 1
  }
  await using opened = await openAccounts()
  const { accounts } = opened
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

/**
 * `backlot user sessions|logout --handle H`: what an operator does for someone who lost a phone or
 * whose password leaked (issue 17 point 1). A running server stops honouring an ended session
 * within its auth cache's 5 s, and closes its live streams at their next credential check.
 */
async function runSessions(sub: 'sessions' | 'logout', args: string[]): Promise<number> {
  const values = parseOrRefuse(args, { handle: { type: 'string' } })
  if (!values) return 1
  const { handle } = values
  if (!handle) {
    console.error(`backlot: user ${sub} needs --handle`)
    return 1
  }
  await using opened = await openAccounts()
  const { accounts } = opened
  const account = await accounts.findByHandle(handle)
  if (!account) {
    console.error(`backlot: no account @${handle.replace(/^@/, '').toLowerCase()}`)
    return 1
  }
  if (sub === 'logout') {
    const ended = await accounts.endSessions(account.id, { allBut: null })
    console.log(`ended ${ended} session${ended === 1 ? '' : 's'} of @${account.handle}`)
    return 0
  }
  const sessions = await accounts.listSessions(account.id)
  if (sessions.length === 0) console.log(`@${account.handle} is not logged in anywhere`)
  for (const s of sessions) {
    const seen = new Date(s.last_seen_at).toISOString().slice(0, 16).replace('T', ' ')
    console.log(
      `${s.public_id}  ${s.device ?? 'unknown browser'}  ${s.network ?? '-'}  last seen ${seen} UTC`,
    )
  }
  return 0
}
