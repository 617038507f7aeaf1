import type { AccountService } from '../accounts/index.js'
import { fail } from '../errors.js'
import { type EraseDeps, eraseAccount } from './erase.js'
import { dueAccountIds, ownedChannelSlugs, setDeletionDue } from './store.js'

export interface ErasureServiceDeps extends EraseDeps {
  accounts: Pick<AccountService, 'credentialsEnded' | 'verifyPassword' | 'getAccount'>
  /** BACKLOT_ACCOUNT_DELETION_GRACE_DAYS in milliseconds. */
  graceMs: number
}

/** A pending deletion as the person (and the operator) sees it; null when none is pending. */
export interface PendingDeletion {
  requestedAt: number
  dueAt: number
}

/** How often the erasure job looks for due accounts (Queue.repeat: once per interval per cluster). */
export const ERASURE_INTERVAL_MS = 60_000
const BATCH = 50

/**
 * Account deletion (issue 17 point 3): asked for with the password, effective after a grace period
 * during which logging in (accounts' login) or cancelling stops it; then erase.ts erases.
 *
 * The pending deletion is a time in the account row, so it survives restarts; the periodic
 * `account-erasure` job (one run per interval for the whole cluster) erases every account whose
 * time has come, each behind a conditional claim, so an account is erased once however many nodes,
 * retries and restarts there are.
 */
export interface ErasureService {
  /**
   * Schedules the caller's deletion after the grace period: `invalid-credentials` for a wrong
   * password, `owns-channels` (listing them) for an owner of a channel. Asking again keeps the date.
   */
  request(accountId: string, password: string, address: string): Promise<PendingDeletion>
  /** The pending deletion, or null. */
  pending(accountId: string): Promise<PendingDeletion | null>
  /** Cancels a pending deletion; true if one was pending. */
  cancel(accountId: string): Promise<boolean>
  /**
   * The operator's deletion (`backlot user delete`): after the grace period, or erased now. Refuses
   * an owner of channels like `request`. Returns what happened.
   */
  deleteByOperator(accountId: string, options: { now: boolean }): Promise<PendingDeletion | 'erased'>
  /** Erases every account whose deletion is due; returns how many. */
  eraseDue(): Promise<number>
}

export function createErasureService(deps: ErasureServiceDeps): ErasureService {
  const { db, clock, graceMs } = deps

  async function refuseOwner(accountId: string): Promise<void> {
    const owned = await ownedChannelSlugs(db, accountId)
    if (owned.length === 0) return
    const list = owned.map((slug) => `"${slug}"`).join(', ')
    fail(
      'owns-channels',
      `You own ${owned.length === 1 ? 'the channel' : 'the channels'} ${list}: transfer ownership or delete ${owned.length === 1 ? 'it' : 'them'} first.`,
      { channels: owned },
    )
  }

  async function pending(accountId: string): Promise<PendingDeletion | null> {
    const account = await deps.accounts.getAccount(accountId)
    if (account.deletion_due_at === null || account.deletion_requested_at === null) return null
    return { requestedAt: account.deletion_requested_at, dueAt: account.deletion_due_at }
  }

  async function schedule(accountId: string, dueInMs: number): Promise<PendingDeletion> {
    const existing = await pending(accountId)
    if (existing && existing.dueAt <= clock.now() + dueInMs) return existing
    const now = clock.now()
    const next = { requestedAt: existing?.requestedAt ?? now, dueAt: now + dueInMs }
    await setDeletionDue(db, accountId, next)
    return next
  }

  async function eraseDue(): Promise<number> {
    let erased = 0
    for (;;) {
      const due = await dueAccountIds(db, clock.now(), BATCH)
      const stuck: string[] = []
      for (const id of due) {
        const outcome = await eraseAccount(deps, id)
        if (outcome === 'erased') erased++
        else if (outcome === 'owns-channels') stuck.push(id)
      }
      if (stuck.length > 0) {
        deps.logger.warn(
          { accountIds: stuck },
          'deletion due but the account owns channels again; not erased',
        )
      }
      // Accounts left due (owners) would come back in every batch: stop at a short or stuck batch.
      if (due.length < BATCH || stuck.length > 0) break
    }
    return erased
  }

  return {
    async request(accountId, password, address) {
      await deps.accounts.verifyPassword(accountId, password, address)
      await refuseOwner(accountId)
      return schedule(accountId, graceMs)
    },
    pending,
    async cancel(accountId) {
      const was = await pending(accountId)
      if (was) await setDeletionDue(db, accountId, null)
      return was !== null
    },
    async deleteByOperator(accountId, options) {
      await refuseOwner(accountId)
      if (!options.now) return schedule(accountId, graceMs)
      await schedule(accountId, 0)
      const outcome = await eraseAccount(deps, accountId)
      if (outcome === 'owns-channels') await refuseOwner(accountId)
      return 'erased'
    },
    eraseDue,
  }
}
