import { domainToASCII } from 'node:url'
import { requireOperator } from '../../channels/index.js'
import type { Db, DbOrTx } from '../../db/database.js'
import { fail } from '../../errors.js'
import type { Clock } from '../../util/clock.js'
import { newId } from '../../util/ids.js'

/**
 * The operator's instance block list (issue 18 part 3). A blocked domain and every subdomain of it
 * is refused at the inbox (403, nothing processed), never fetched, never delivered to; blocking
 * removes its followers through `removeFollowers`, which the follower store (src/federation, the
 * actors and inboxes) supplies, in the same transaction. Blocks and unblocks are kept in
 * `federation_block_log` with the operator who made them: the channel audit log needs a channel,
 * and a block is server-wide.
 */
export interface InstanceBlockService {
  /**
   * Blocks (or re-blocks with a new reason) a domain; `instance-domain-invalid` for a non-domain,
   * `not-server-admin` unless `actorId` is a server operator (null: the system itself, tests).
   */
  block(domain: string, input: { reason?: string; actorId: string | null }): Promise<InstanceBlockView>
  /** Lifts a block; `instance-not-blocked` when there is none; operators only, as `block`. */
  unblock(domain: string, input: { actorId: string | null }): Promise<void>
  /** Every block, the most recent first; operators only when `actorId` is given. */
  list(actorId?: string | null): Promise<InstanceBlockView[]>
  /** Whether `host` (a host name, maybe with a port) is a blocked domain or under one. */
  isBlocked(host: string): Promise<boolean>
}

export interface InstanceBlockView {
  domain: string
  reason: string
  blockedAt: number
  /** The operator's handle, when known. */
  blockedBy: string | null
}

/** Deletes the followers (and pending follow requests) whose actor is on `domain` or under it; returns how many. */
export type RemoveFollowersOf = (tx: DbOrTx, domain: string) => Promise<number>

export interface InstanceBlockDeps {
  db: Db
  clock: Clock
  removeFollowers?: RemoveFollowersOf
}

/** The longest reason kept. */
export const MAX_BLOCK_REASON = 500

export function createInstanceBlockService(deps: InstanceBlockDeps): InstanceBlockService {
  const { db, clock } = deps
  return {
    async block(input, { reason = '', actorId }) {
      const domain = normalizeDomain(input)
      const text = reason.trim().slice(0, MAX_BLOCK_REASON)
      const now = clock.now()
      await db.transaction().execute(async (tx) => {
        if (actorId !== null) await requireOperator(tx, actorId)
        await tx
          .insertInto('federation_block')
          .values({ domain, reason: text, blocked_by: actorId, created_at: now })
          .onConflict((oc) => oc.column('domain').doUpdateSet({ reason: text, blocked_by: actorId }))
          .execute()
        await logChange(tx, { domain, action: 'blocked', actorId, reason: text, at: now })
        await deps.removeFollowers?.(tx, domain)
      })
      return (await listBlocks(db, domain))[0]!
    },
    async unblock(input, { actorId }) {
      const domain = normalizeDomain(input)
      await db.transaction().execute(async (tx) => {
        if (actorId !== null) await requireOperator(tx, actorId)
        const result = await tx.deleteFrom('federation_block').where('domain', '=', domain).executeTakeFirst()
        if (Number(result.numDeletedRows) === 0) fail('instance-not-blocked', `${domain} is not blocked.`)
        await logChange(tx, { domain, action: 'unblocked', actorId, reason: '', at: clock.now() })
      })
    },
    async list(actorId = null) {
      if (actorId !== null) await requireOperator(db, actorId)
      return listBlocks(db)
    },
    isBlocked: (host) => isBlockedHost(db, host),
  }
}

/**
 * A domain as stored: lower case, IDNA (punycode) form, no trailing dot, no port, scheme or path.
 * Refuses anything that is not a host name of at least one dot (or an IP literal).
 */
export function normalizeDomain(input: string): string {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, '')
  const ascii = domainToASCII(trimmed)
  const isName =
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(
      ascii,
    )
  const isIpv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(ascii)
  if (!ascii || (!isName && !isIpv4)) {
    fail('instance-domain-invalid', `"${input.slice(0, 100)}" is not a domain name (e.g. spam.example).`, {
      errors: [{ field: '/domain', message: 'expected a domain name such as spam.example' }],
    })
  }
  return ascii
}

/** The host and every parent domain of it: a.b.example → a.b.example, b.example, example. */
export function domainsCovering(host: string): string[] {
  const name = hostWithoutPort(host).toLowerCase().replace(/\.$/, '')
  const ascii = domainToASCII(name) || name
  const labels = ascii.split('.')
  return labels.map((_, i) => labels.slice(i).join('.')).filter((d) => d !== '')
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'))
  const colon = host.lastIndexOf(':')
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host
}

/** One indexed lookup of at most a handful of keys: cheap enough for every inbox request and delivery. */
export async function isBlockedHost(db: DbOrTx, host: string): Promise<boolean> {
  const covering = domainsCovering(host)
  if (covering.length === 0) return false
  const row = await db
    .selectFrom('federation_block')
    .select('domain')
    .where('domain', 'in', covering)
    .executeTakeFirst()
  return row !== undefined
}

async function listBlocks(db: DbOrTx, domain?: string): Promise<InstanceBlockView[]> {
  let query = db
    .selectFrom('federation_block as b')
    .leftJoin('account as a', 'a.id', 'b.blocked_by')
    .select(['b.domain', 'b.reason', 'b.created_at', 'a.handle'])
  if (domain !== undefined) query = query.where('b.domain', '=', domain)
  const rows = await query.orderBy('b.created_at', 'desc').orderBy('b.domain').execute()
  return rows.map((r) => ({
    domain: r.domain,
    reason: r.reason,
    blockedAt: r.created_at,
    blockedBy: r.handle,
  }))
}

async function logChange(
  tx: DbOrTx,
  entry: {
    domain: string
    action: 'blocked' | 'unblocked'
    actorId: string | null
    reason: string
    at: number
  },
): Promise<void> {
  await tx
    .insertInto('federation_block_log')
    .values({
      id: newId(),
      domain: entry.domain,
      action: entry.action,
      actor_id: entry.actorId,
      reason: entry.reason,
      created_at: entry.at,
    })
    .execute()
}
