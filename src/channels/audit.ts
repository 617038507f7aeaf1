import type { DbOrTx } from '../db/database.js'
import { newId } from '../util/ids.js'

/**
 * The channel audit log: one row per staff action (settings, archive, roles, invites, join requests,
 * bans, removals, post deletions by moderators, the sign-off steps of posts: posts/review.ts),
 * readable by the owner and admins.
 */
export type AuditAction =
  | 'channel.created'
  | 'channel.updated'
  | 'channel.archived'
  | 'channel.unarchived'
  | 'role.granted'
  | 'role.removed'
  | 'ownership.transferred'
  | 'member.removed'
  | 'member.banned'
  | 'member.unbanned'
  | 'invite.created'
  | 'invite.revoked'
  | 'join-request.approved'
  | 'join-request.rejected'
  | 'post.deleted'
  | 'post.submitted'
  | 'post.withdrawn'
  | 'post.approved'
  | 'post.returned'
  | 'channel.suspended'
  | 'channel.unsuspended'
  | 'channel.hidden'
  | 'channel.unhidden'
  | 'channel.featured'
  | 'channel.unfeatured'
  | 'report.resolved'

export interface AuditInput {
  channelId: string
  actorId: string
  /** One of `AuditAction`; other areas may add their own dotted names. */
  action: AuditAction | (string & {})
  targetAccountId?: string | null
  targetPostId?: string | null
  /** Action-specific facts (old and new role, reason…); stored as JSON. */
  details: Record<string, unknown>
  /** Epoch ms; pass the service clock's now so tests with a fake clock see consistent times. */
  at?: number
}

/**
 * Appends an audit entry. Call it with the transaction that makes the change, so the entry exists
 * exactly when the change does.
 */
export async function recordAudit(tx: DbOrTx, input: AuditInput): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      id: newId(),
      channel_id: input.channelId,
      actor_id: input.actorId,
      action: input.action,
      target_account_id: input.targetAccountId ?? null,
      target_post_id: input.targetPostId ?? null,
      details: JSON.stringify(input.details),
      created_at: input.at ?? Date.now(),
    })
    .execute()
}

export interface AuditEntryRow {
  id: string
  action: string
  details: string
  created_at: number
  target_post_id: string | null
  actor_handle: string
  target_handle: string | null
}

/** Newest first (ULID ids grow with time), `limit + 1` rows so the caller can tell a next page exists. */
export async function listAuditEntries(
  db: DbOrTx,
  channelId: string,
  beforeId: string | null,
  limit: number,
): Promise<AuditEntryRow[]> {
  let query = db
    .selectFrom('audit_log')
    .innerJoin('account as actor', 'actor.id', 'audit_log.actor_id')
    .leftJoin('account as target', 'target.id', 'audit_log.target_account_id')
    .select([
      'audit_log.id',
      'audit_log.action',
      'audit_log.details',
      'audit_log.created_at',
      'audit_log.target_post_id',
      'actor.handle as actor_handle',
      'target.handle as target_handle',
    ])
    .where('audit_log.channel_id', '=', channelId)
  if (beforeId !== null) query = query.where('audit_log.id', '<', beforeId)
  return query
    .orderBy('audit_log.id', 'desc')
    .limit(limit + 1)
    .execute()
}
