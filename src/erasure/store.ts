import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'

/** Plain queries of account deletion and erasure; the rules are in service.ts and erase.ts. */

/** The shown name of an erased account, to which its channel posts stay attributed. */
export const FORMER_MEMBER = 'Former member'

/** Slugs of the channels the account owns (it must transfer or delete them before deletion). */
export async function ownedChannelSlugs(db: DbOrTx, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('channel_member')
    .innerJoin('channel', 'channel.id', 'channel_member.channel_id')
    .select('channel.slug')
    .where('channel_member.account_id', '=', accountId)
    .where('channel_member.role', '=', 'owner')
    .orderBy('channel.slug')
    .execute()
  return rows.map((r) => r.slug)
}

export async function setDeletionDue(
  db: DbOrTx,
  accountId: string,
  pending: { requestedAt: number; dueAt: number } | null,
): Promise<void> {
  await db
    .updateTable('account')
    .set({ deletion_requested_at: pending?.requestedAt ?? null, deletion_due_at: pending?.dueAt ?? null })
    .where('id', '=', accountId)
    .where('erased_at', 'is', null)
    .execute()
}

/** Accounts whose deletion is due at `now`, soonest first. */
export async function dueAccountIds(db: DbOrTx, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('account')
    .select('id')
    .where('deletion_due_at', '<=', now)
    .where('erased_at', 'is', null)
    .orderBy('deletion_due_at')
    .limit(limit)
    .execute()
  return rows.map((r) => r.id)
}

/**
 * Claims a due erasure: the one conditional UPDATE that any number of sweeps, jobs and nodes may
 * race for; exactly one sees a row (PostgreSQL re-checks the WHERE after waiting for the row lock).
 * The account is anonymised in the same statement: the former member's handle is made from the
 * random part of its id, never from anything the person chose.
 */
export async function claimErasure(db: DbOrTx, accountId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('account')
    .set({
      handle: `former_${accountId.slice(-16).toLowerCase()}`,
      display_name: FORMER_MEMBER,
      password_hash: null,
      email: null,
      language: null,
      suspended_at: null,
      suspension_reason: null,
      deletion_requested_at: null,
      deletion_due_at: null,
      erased_at: now,
    })
    .where('id', '=', accountId)
    .where('erased_at', 'is', null)
    .where('deletion_due_at', '<=', now)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** What the person left in channels, read before it is deleted: where to redact and recount. */
export async function readFootprint(db: DbOrTx, accountId: string) {
  const [memberships, reacted, voted, answers, authored] = await Promise.all([
    db.selectFrom('channel_member').select('channel_id').where('account_id', '=', accountId).execute(),
    db
      .selectFrom('post_reaction')
      .innerJoin('post', 'post.id', 'post_reaction.post_id')
      .select(['post.id', 'post.channel_id'])
      .where('post_reaction.account_id', '=', accountId)
      .execute(),
    db
      .selectFrom('poll_ballot')
      .innerJoin('post', 'post.id', 'poll_ballot.post_id')
      .select(['post.id', 'post.channel_id'])
      .where('poll_ballot.account_id', '=', accountId)
      .execute(),
    db
      .selectFrom('prompt_answer')
      .innerJoin('post', 'post.id', 'prompt_answer.post_id')
      .select(['prompt_answer.id', 'post.id as post_id', 'post.channel_id'])
      .where('prompt_answer.account_id', '=', accountId)
      .execute(),
    db.selectFrom('post').select('channel_id').distinct().where('author_id', '=', accountId).execute(),
  ])
  return { memberships, reacted, voted, answers, authored }
}

export type Footprint = Awaited<ReturnType<typeof readFootprint>>

/** Ids of media the account uploaded that no post and no channel avatar uses: theirs alone. */
export async function unusedMediaIds(db: DbOrTx, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('media')
    .select('id')
    .where('owner_id', '=', accountId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('post_media')
            .select('post_media.media_id')
            .whereRef('post_media.media_id', '=', 'media.id'),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('channel_avatar')
            .select('channel_avatar.media_id')
            .whereRef('channel_avatar.media_id', '=', 'media.id'),
        ),
      ),
    )
    .execute()
  return rows.map((r) => r.id)
}

/**
 * Deletes the account's personal rows. Returns the sessions and tokens deleted, so that their
 * credentials can be revoked on every node after commit.
 */
export async function deletePersonalRows(db: DbOrTx, accountId: string) {
  const sessions = await db
    .deleteFrom('session')
    .where('account_id', '=', accountId)
    .returning('id')
    .execute()
  const tokens = await db
    .deleteFrom('api_token')
    .where('account_id', '=', accountId)
    .returning('id')
    .execute()
  // push_delivery rows of the subscriptions go by cascade.
  await db.deleteFrom('push_subscription').where('account_id', '=', accountId).execute()
  await db.deleteFrom('post_reaction').where('account_id', '=', accountId).execute()
  await db.deleteFrom('poll_ballot').where('account_id', '=', accountId).execute()
  await db.deleteFrom('prompt_answer').where('account_id', '=', accountId).execute()
  await db.deleteFrom('post_view').where('account_id', '=', accountId).execute()
  await db.deleteFrom('join_request').where('account_id', '=', accountId).execute()
  await db.deleteFrom('channel_ban').where('account_id', '=', accountId).execute()
  await db.deleteFrom('channel_member').where('account_id', '=', accountId).execute()
  // The person's reports (reason and comment are theirs) and their notices; the cases they were
  // in keep the other reporters', with the count corrected.
  const reported = await db
    .deleteFrom('report')
    .where('reporter_id', '=', accountId)
    .returning('case_id')
    .execute()
  for (const { case_id } of reported)
    await db
      .updateTable('report_case')
      .set((eb) => ({ report_count: eb('report_count', '-', 1) }))
      .where('id', '=', case_id)
      .where('report_count', '>', 0)
      .execute()
  await db.deleteFrom('account_notice').where('account_id', '=', accountId).execute()
  // Staff's records of decisions about the person stay, without what the person wrote (the
  // message of a join request).
  await db
    .updateTable('audit_log')
    .set({ details: '{}' })
    .where('target_account_id', '=', accountId)
    .where('action', 'like', 'join-request.%')
    .execute()
  return { sessions: sessions.map((r) => r.id), tokens: tokens.map((r) => r.id) }
}

/**
 * Moves the channels' `updated_at`: every cache of a channel's public content is keyed by its
 * version (reads/version-cache.ts), so pages and feeds showing the person are rendered again.
 */
export async function touchChannels(db: DbOrTx, channelIds: readonly string[], now: number): Promise<void> {
  if (channelIds.length === 0) return
  // Always a new value, even when the clock has not moved since the last change.
  await db
    .updateTable('channel')
    .set({ updated_at: sql<number>`case when updated_at >= ${now} then updated_at + 1 else ${now} end` })
    .where('id', 'in', channelIds)
    .execute()
}
