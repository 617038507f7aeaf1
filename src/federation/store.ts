import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { FederationFollowerRow, FederationKeyTable } from '../db/schema.js'

/** Plain queries of the federation tables (migration 0027); the rules live in the services. */

export async function channelKeys(db: DbOrTx, channelId: string): Promise<FederationKeyTable[]> {
  return db.selectFrom('federation_key').selectAll().where('channel_id', '=', channelId).execute()
}

/** Inserts a key pair unless one exists (two nodes may race to make the first): the stored one wins. */
export async function insertKeyIfAbsent(db: DbOrTx, row: FederationKeyTable): Promise<void> {
  await db
    .insertInto('federation_key')
    .values(row)
    .onConflict((oc) => oc.columns(['channel_id', 'algorithm']).doNothing())
    .execute()
}

export interface NewFollower {
  channelId: string
  actorId: string
  status: 'accepted' | 'pending'
  followId: string
  inbox: string
  sharedInbox: string | null
  handle: string
  name: string | null
  at: number
}

/** Records a follow; a repeated Follow refreshes the row (a new follow id, inbox) but keeps an acceptance. */
export async function upsertFollower(db: DbOrTx, f: NewFollower): Promise<FederationFollowerRow> {
  const values = {
    channel_id: f.channelId,
    actor_id: f.actorId,
    status: f.status,
    follow_id: f.followId,
    inbox: f.inbox,
    shared_inbox: f.sharedInbox,
    handle: f.handle,
    name: f.name,
    created_at: f.at,
    updated_at: f.at,
  }
  await db
    .insertInto('federation_follower')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['channel_id', 'actor_id']).doUpdateSet({
        follow_id: f.followId,
        inbox: f.inbox,
        shared_inbox: f.sharedInbox,
        handle: f.handle,
        name: f.name,
        updated_at: f.at,
      }),
    )
    .execute()
  return db
    .selectFrom('federation_follower')
    .selectAll()
    .where('channel_id', '=', f.channelId)
    .where('actor_id', '=', f.actorId)
    .executeTakeFirstOrThrow()
}

export async function findFollower(
  db: DbOrTx,
  channelId: string,
  actorId: string,
): Promise<FederationFollowerRow | undefined> {
  return db
    .selectFrom('federation_follower')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('actor_id', '=', actorId)
    .executeTakeFirst()
}

export async function acceptFollower(db: DbOrTx, channelId: string, actorId: string, at: number) {
  await db
    .updateTable('federation_follower')
    .set({ status: 'accepted', updated_at: at })
    .where('channel_id', '=', channelId)
    .where('actor_id', '=', actorId)
    .execute()
}

/** Removes a follower (Undo(Follow), a rejected request); true when there was one. */
export async function deleteFollower(db: DbOrTx, channelId: string, actorId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('federation_follower')
    .where('channel_id', '=', channelId)
    .where('actor_id', '=', actorId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function countFollowers(
  db: DbOrTx,
  channelId: string,
  status: 'accepted' | 'pending' = 'accepted',
): Promise<number> {
  const row = await db
    .selectFrom('federation_follower')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('channel_id', '=', channelId)
    .where('status', '=', status)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A page of followers by (created_at, actor_id), oldest first. */
export async function listFollowers(
  db: DbOrTx,
  channelId: string,
  status: 'accepted' | 'pending',
  after: { createdAt: number; actorId: string } | null,
  limit: number,
): Promise<FederationFollowerRow[]> {
  let query = db
    .selectFrom('federation_follower')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('status', '=', status)
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '>', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('actor_id', '>', after.actorId)]),
      ]),
    )
  }
  return query.orderBy('created_at').orderBy('actor_id').limit(limit).execute()
}

/** Stores a remote reaction unless the actor already reacted to the post (once per actor per post). */
export async function insertReaction(
  db: DbOrTx,
  row: { postId: string; actorId: string; channelId: string; emoji: string; activityId: string; at: number },
): Promise<boolean> {
  const result = await db
    .insertInto('federation_reaction')
    .values({
      post_id: row.postId,
      actor_id: row.actorId,
      channel_id: row.channelId,
      emoji: row.emoji,
      activity_id: row.activityId,
      created_at: row.at,
    })
    .onConflict((oc) => oc.columns(['post_id', 'actor_id']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

/** Removes the actor's reaction named by `activityId` (Undo(Like)). */
export async function deleteReaction(db: DbOrTx, actorId: string, activityId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('federation_reaction')
    .where('actor_id', '=', actorId)
    .where('activity_id', '=', activityId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function reactionCounts(db: DbOrTx, postIds: readonly string[]) {
  if (postIds.length === 0) return new Map<string, Record<string, number>>()
  const rows = await db
    .selectFrom('federation_reaction')
    .select(['post_id', 'emoji', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('post_id', 'in', postIds)
    .groupBy(['post_id', 'emoji'])
    .execute()
  const out = new Map<string, Record<string, number>>()
  for (const r of rows) {
    const counts = out.get(r.post_id) ?? {}
    counts[r.emoji] = Number(r.n)
    out.set(r.post_id, counts)
  }
  return out
}

export async function findVote(db: DbOrTx, postId: string, actorId: string) {
  return db
    .selectFrom('federation_vote')
    .selectAll()
    .where('post_id', '=', postId)
    .where('actor_id', '=', actorId)
    .executeTakeFirst()
}

export async function upsertVote(
  db: DbOrTx,
  row: { postId: string; actorId: string; channelId: string; choices: number; at: number },
): Promise<void> {
  await db
    .insertInto('federation_vote')
    .values({
      post_id: row.postId,
      actor_id: row.actorId,
      channel_id: row.channelId,
      choices: row.choices,
      created_at: row.at,
    })
    .onConflict((oc) => oc.columns(['post_id', 'actor_id']).doUpdateSet({ choices: row.choices }))
    .execute()
}

/** Remote voters and votes per option of each poll (option count from `optionCounts`). */
export async function remoteTallies(
  db: DbOrTx,
  optionCounts: ReadonlyMap<string, number>,
): Promise<Map<string, { voters: number; votes: number[] }>> {
  const out = new Map<string, { voters: number; votes: number[] }>()
  if (optionCounts.size === 0) return out
  const rows = await db
    .selectFrom('federation_vote')
    .select(['post_id', 'choices'])
    .where('post_id', 'in', [...optionCounts.keys()])
    .execute()
  for (const [postId, n] of optionCounts) out.set(postId, { voters: 0, votes: Array(n).fill(0) })
  for (const r of rows) {
    const tally = out.get(r.post_id)!
    tally.voters++
    tally.votes.forEach((_, i) => {
      if ((r.choices >> i) & 1) tally.votes[i]!++
    })
  }
  return out
}

export async function countReply(db: DbOrTx, channelId: string, postId: string): Promise<void> {
  await db
    .insertInto('federation_reply_count')
    .values({ post_id: postId, channel_id: channelId, replies: 1 })
    .onConflict((oc) =>
      oc.column('post_id').doUpdateSet({ replies: sql`federation_reply_count.replies + 1` }),
    )
    .execute()
}

/** The owner's numbers: remote replies and reactions over the channel's posts. */
export async function channelTotals(db: DbOrTx, channelId: string) {
  const [replies, reactions, voters] = await Promise.all([
    db
      .selectFrom('federation_reply_count')
      .select((eb) => eb.fn.sum<string | number | null>('replies').as('n'))
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('federation_reaction')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('federation_vote')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow(),
  ])
  return { replies: Number(replies.n ?? 0), reactions: Number(reactions.n), votes: Number(voters.n) }
}

/**
 * Removes every channel's followers whose actor lives on `domain` or a subdomain of it, in the
 * caller's transaction (the operator's block, infra/blocks.ts). `domain` is normalised there
 * (lower case, no port). Returns how many follows were removed.
 */
export async function removeFollowersOfDomain(tx: DbOrTx, domain: string): Promise<number> {
  // A LIKE narrows the rows; the host is then compared exactly, so `evil-example.org` or a path
  // that merely contains the domain never matches `example.org`.
  const candidates = await tx
    .selectFrom('federation_follower')
    .select(['channel_id', 'actor_id'])
    .where('actor_id', 'like', `%${domain}%`)
    .execute()
  const onDomain = candidates.filter((row) => {
    const host = URL.canParse(row.actor_id) ? new URL(row.actor_id).hostname : ''
    return host === domain || host.endsWith(`.${domain}`)
  })
  for (const row of onDomain) await deleteFollower(tx, row.channel_id, row.actor_id)
  return onDomain.length
}
