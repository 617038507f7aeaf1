import type { AccountService, OperatorAccountRow } from '../accounts/index.js'
import { createAccountService } from '../accounts/index.js'
import { createBus } from '../bus/create-bus.js'
import { loadConfig } from '../config/config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import type { AccountRow } from '../db/schema.js'
import { createErasureService } from '../erasure/index.js'
import { DomainError } from '../errors.js'
import { createRateLimiter } from '../kv/rate-limiter.js'
import { createLogger } from '../logger.js'
import { createMediaStore } from '../media-store/create-media-store.js'
import { systemClock } from '../util/clock.js'
import { parseOrRefuse } from './refusal.js'

/**
 * The operator's account tools (issue 17 point 5): `backlot user list|suspend|unsuspend|delete`.
 * Plain lines for people, `--json` on `list` for scripts, one line on stderr for an error.
 *
 * With BACKLOT_REDIS_URL the commands tell the running nodes at once (the auth-revocation topic on
 * the bus); on one node the server stops honouring a suspended account's cached credentials within
 * 5 s and ends its live streams at their next credential check.
 */
export const USER_ADMIN_USAGE = `       backlot user list [--json]            (handle, name, admin, created, last seen, state)
       backlot user suspend --handle H [--reason R]
       backlot user unsuspend --handle H
       backlot user delete --handle H [--now]  (after the grace period, or erased now)`

const commands = ['list', 'suspend', 'unsuspend', 'delete'] as const
type Command = (typeof commands)[number]

export function isUserAdminCommand(sub: string | undefined): sub is Command {
  return (commands as readonly string[]).includes(sub ?? '')
}

class UsageError extends Error {}

export async function runUserAdmin(sub: Command, args: string[]): Promise<number> {
  const values = parseOrRefuse(args, {
    handle: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean', default: false },
    now: { type: 'boolean', default: false },
  })
  if (!values) return 1
  try {
    if (sub !== 'list' && !values.handle) throw new UsageError(`user ${sub} needs --handle`)
    await using opened = await openAdmin()
    if (sub === 'list') return await list(opened.accounts, values.json)
    const account = await findAccount(opened.accounts, values.handle!)
    if (sub === 'suspend') {
      await opened.accounts.suspend(account.id, values.reason?.trim() || null)
      console.log(`suspended @${account.handle}: logged out everywhere, its tokens refused`)
    } else if (sub === 'unsuspend') {
      await opened.accounts.unsuspend(account.id)
      console.log(`unsuspended @${account.handle}`)
    } else {
      const outcome = await opened.erasure.deleteByOperator(account.id, { now: values.now })
      if (outcome === 'erased')
        console.log(`erased @${account.handle}; its channel posts show "Former member"`)
      else
        console.log(
          `@${account.handle} will be erased on ${isoMinute(outcome.dueAt)} UTC (logging in cancels)`,
        )
    }
    return 0
  } catch (error) {
    if (error instanceof DomainError || error instanceof UsageError) {
      console.error(`backlot: ${error instanceof DomainError ? error.detail : (error as Error).message}`)
      return 1
    }
    throw error
  }
}

async function list(accounts: AccountService, json: boolean): Promise<number> {
  const rows = (await accounts.listForOperator()).map(toListed)
  if (json) {
    console.log(JSON.stringify(rows, null, 2))
    return 0
  }
  if (rows.length === 0) console.log('no accounts')
  const table = rows.map((r) => [
    `@${r.handle}`,
    r.displayName,
    r.isAdmin ? 'admin' : '-',
    `created ${isoMinute(Date.parse(r.createdAt))}`,
    `last seen ${r.lastSeenAt ? isoMinute(Date.parse(r.lastSeenAt)) : 'never'}`,
    r.state + (r.deletionDueAt ? ` (${isoMinute(Date.parse(r.deletionDueAt))})` : ''),
  ])
  const widths = table[0]?.map((_, i) => Math.max(...table.map((cells) => cells[i]!.length))) ?? []
  for (const cells of table)
    console.log(
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
  return 0
}

/** One account as `list --json` prints it (times ISO 8601, UTC). */
function toListed(row: OperatorAccountRow) {
  const seen = Math.max(row.session_seen_at ?? 0, row.token_used_at ?? 0)
  return {
    handle: row.handle,
    displayName: row.display_name,
    isAdmin: row.is_admin === 1,
    createdAt: new Date(row.created_at).toISOString(),
    lastSeenAt: seen > 0 ? new Date(seen).toISOString() : null,
    state: stateOf(row),
    suspendedAt: row.suspended_at === null ? null : new Date(row.suspended_at).toISOString(),
    suspensionReason: row.suspension_reason,
    deletionDueAt: row.deletion_due_at === null ? null : new Date(row.deletion_due_at).toISOString(),
  }
}

async function findAccount(accounts: AccountService, handle: string): Promise<AccountRow> {
  const account = await accounts.findByHandle(handle)
  if (!account || account.erased_at !== null) {
    throw new UsageError(`no account @${handle.replace(/^@/, '').toLowerCase()}`)
  }
  return account
}

/** The services the commands need, over this configuration's database (migrated) and media store. */
async function openAdmin() {
  const config = loadConfig()
  const logger = createLogger(config.logLevel)
  const database = await openDatabase(config.database)
  await migrateToLatest(database.db)
  // Only a cluster's bus reaches the servers; a memory bus here would reach nobody, and is harmless.
  const bus = config.redis ? await createBus(config, logger) : undefined
  const accounts = createAccountService({
    db: database.db,
    clock: systemClock,
    config,
    rateLimiter: createRateLimiter(systemClock),
    bus,
    logger,
  })
  const mediaStore = await createMediaStore(config)
  const erasure = createErasureService({
    db: database.db,
    clock: systemClock,
    logger,
    mediaStore,
    accounts,
    graceMs: config.accountDeletionGraceMs,
  })
  return {
    accounts,
    erasure,
    async [Symbol.asyncDispose]() {
      mediaStore.close?.()
      await bus?.close()
      await database[Symbol.asyncDispose]()
    },
  }
}

export type AccountState = 'active' | 'suspended' | 'deletion pending'

export function stateOf(row: Pick<OperatorAccountRow, 'suspended_at' | 'deletion_due_at'>): AccountState {
  if (row.suspended_at !== null) return 'suspended'
  if (row.deletion_due_at !== null) return 'deletion pending'
  return 'active'
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
}
