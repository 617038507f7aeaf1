import type { DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'

/** Plain Kysely queries of the interactions area (no rules here; see the services). */

// ---- reactions ------------------------------------------------------------------------------------

/**
 * Sets the member's one reaction on a post in a single atomic statement: concurrent requests of
 * one member race on the primary key and the loser updates instead of adding a second row. Returns
 * whether anything changed (false when the reaction already was this emoji). Compiled once: this
 * is the hottest write of the area.
 */
const upsertReactionQuery = preparedQuery(
  (db: DbOrTx, postId: string, accountId: string, emoji: string, at: number) =>
    upsertReactions(db, [{ post_id: postId, account_id: accountId, emoji, created_at: at }]),
)

/**
 * The multi-row upsert behind every reaction write (one row here, a batch in reaction-writer.ts):
 * the stored reaction changes only if the emoji differs, and the statement returns the keys it
 * changed.
 */
export function upsertReactions(
  db: DbOrTx,
  rows: readonly { post_id: string; account_id: string; emoji: string; created_at: number }[],
) {
  return db
    .insertInto('post_reaction')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['post_id', 'account_id'])
        .doUpdateSet((eb) => ({
          emoji: eb.ref('excluded.emoji'),
          created_at: eb.ref('excluded.created_at'),
        }))
        .whereRef('post_reaction.emoji', '<>', 'excluded.emoji'),
    )
    .returning(['post_id', 'account_id'])
}

export async function upsertReaction(
  db: DbOrTx,
  row: { post_id: string; account_id: string; emoji: string; created_at: number },
): Promise<boolean> {
  const { rows } = await upsertReactionQuery(db, row.post_id, row.account_id, row.emoji, row.created_at)
  return rows.length > 0
}

const deleteReactionQuery = preparedQuery((db: DbOrTx, postId: string, accountId: string) =>
  db.deleteFrom('post_reaction').where('post_id', '=', postId).where('account_id', '=', accountId),
)

export async function deleteReaction(db: DbOrTx, postId: string, accountId: string): Promise<boolean> {
  const result = await deleteReactionQuery(db, postId, accountId)
  return Number(result.numAffectedRows ?? 0) > 0
}

/** Removes the members' reactions of one batch in one statement; returns the keys that had one. */
export async function deleteReactions(
  db: DbOrTx,
  keys: readonly { post_id: string; account_id: string }[],
): Promise<{ post_id: string; account_id: string }[]> {
  return db
    .deleteFrom('post_reaction')
    .where((eb) =>
      eb(
        eb.refTuple('post_id', 'account_id'),
        'in',
        keys.map((k) => eb.tuple(k.post_id, k.account_id)),
      ),
    )
    .returning(['post_id', 'account_id'])
    .execute()
}

/** Who reacted (current members only), newest first, keyset (created_at, account_id). */
export async function listReactors(
  db: DbOrTx,
  q: {
    channelId: string
    postId: string
    emoji?: string
    before: { at: number; accountId: string } | null
    limit: number
  },
) {
  let query = db
    .selectFrom('post_reaction as r')
    .innerJoin('channel_member as m', (j) =>
      j.onRef('m.account_id', '=', 'r.account_id').on('m.channel_id', '=', q.channelId),
    )
    .innerJoin('account', 'account.id', 'r.account_id')
    .select(['r.emoji', 'r.created_at', 'r.account_id', 'account.handle', 'account.display_name'])
    .where('r.post_id', '=', q.postId)
  if (q.emoji !== undefined) query = query.where('r.emoji', '=', q.emoji)
  const before = q.before
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('r.created_at', '<', before.at),
        eb.and([eb('r.created_at', '=', before.at), eb('r.account_id', '<', before.accountId)]),
      ]),
    )
  }
  return query.orderBy('r.created_at', 'desc').orderBy('r.account_id', 'desc').limit(q.limit).execute()
}

// ---- views ----------------------------------------------------------------------------------------

/** Records a member's view; returns whether it is their first view of the post. */
export async function insertView(
  db: DbOrTx,
  postId: string,
  accountId: string,
  now: number,
): Promise<boolean> {
  const inserted = await db
    .insertInto('post_view')
    .values({ post_id: postId, account_id: accountId, viewed_at: now })
    .onConflict((oc) => oc.columns(['post_id', 'account_id']).doNothing())
    .returning('post_id')
    .executeTakeFirst()
  return inserted !== undefined
}

/**
 * Records the members' views of one batch in one statement (group-commit.ts); returns the keys
 * that were first views. Keys must be distinct.
 */
export async function insertViews(
  db: DbOrTx,
  rows: readonly { post_id: string; account_id: string; viewed_at: number }[],
): Promise<{ post_id: string; account_id: string }[]> {
  return db
    .insertInto('post_view')
    .values(rows)
    .onConflict((oc) => oc.columns(['post_id', 'account_id']).doNothing())
    .returning(['post_id', 'account_id'])
    .execute()
}

export async function addAnonymousViews(db: DbOrTx, postId: string, views: number): Promise<void> {
  await db
    .insertInto('post_anonymous_views')
    .values({ post_id: postId, views })
    .onConflict((oc) =>
      oc
        .column('post_id')
        .doUpdateSet((eb) => ({ views: eb('post_anonymous_views.views', '+', eb.ref('excluded.views')) })),
    )
    .execute()
}

// ---- access changes -------------------------------------------------------------------------------

/**
 * Posts of a channel whose public counts include this account (reactions, ballots, views,
 * highlighted answers), newest first: what to refresh when the account leaves or is banned.
 */
export async function postsTouchedBy(db: DbOrTx, channelId: string, accountId: string, limit: number) {
  const channelPosts = db.selectFrom('post').select('id').where('channel_id', '=', channelId)
  const recent = async (table: 'post_reaction' | 'poll_ballot' | 'post_view' | 'prompt_answer') => {
    const rows = await db
      .selectFrom(table)
      .select('post_id')
      .where('account_id', '=', accountId)
      .where('post_id', 'in', channelPosts)
      .orderBy('post_id', 'desc')
      .limit(limit)
      .execute()
    return rows.map((r) => r.post_id)
  }
  const ids = await Promise.all([
    recent('post_reaction'),
    recent('poll_ballot'),
    recent('post_view'),
    recent('prompt_answer'),
  ])
  return [...new Set(ids.flat())]
}
