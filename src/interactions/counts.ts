import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { PollRow } from '../db/schema.js'
import { limits } from './limits.js'

/**
 * Batched count queries for a page of posts of ONE channel: a fixed number of queries whatever the
 * page size (no query per post). Every count joins `channel_member` on the channel's primary key,
 * so only accounts that are members NOW count: a member who leaves, is removed or is banned stops
 * counting at once, and counts again if they rejoin (their rows are kept, so leaving and rejoining
 * cannot be used to vote twice or to change a quiz answer).
 */

export interface PostCounts {
  reactions: Map<string, number>
  viewers: number
  anonymousViews: number
}

export interface PollTally {
  voters: number
  /** Votes per option index (length = options.length). */
  votes: number[]
}

export interface HighlightRow {
  id: string
  post_id: string
  text: string
  highlighted_at: number
  display_name: string
}

export const emptyCounts = (): PostCounts => ({ reactions: new Map(), viewers: 0, anonymousViews: 0 })

const reactionCounts = (db: DbOrTx, channelId: string, postIds: readonly string[]) =>
  db
    .selectFrom('post_reaction as r')
    .innerJoin('channel_member as m', (j) =>
      j.onRef('m.account_id', '=', 'r.account_id').on('m.channel_id', '=', channelId),
    )
    .select(['r.post_id', 'r.emoji', (eb) => eb.fn.countAll<number>().as('n')])
    .where('r.post_id', 'in', postIds)
    .groupBy(['r.post_id', 'r.emoji'])
const viewerCounts = (db: DbOrTx, channelId: string, postIds: readonly string[]) =>
  db
    .selectFrom('post_view as v')
    .innerJoin('channel_member as m', (j) =>
      j.onRef('m.account_id', '=', 'v.account_id').on('m.channel_id', '=', channelId),
    )
    .select(['v.post_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('v.post_id', 'in', postIds)
    .groupBy('v.post_id')
const anonymousCounts = (db: DbOrTx, postIds: readonly string[]) =>
  db.selectFrom('post_anonymous_views').selectAll().where('post_id', 'in', postIds)

/**
 * One post (a post page, a new post's event data, staff stats) is the common case: its three
 * counts come in ONE statement compiled once (src/db/prepared.ts) — a row per emoji (`r`), the
 * member viewers (`v`), the anonymous views (`a`, absent when none) — instead of three queries
 * built by Kysely on every call, each a round trip on PostgreSQL.
 */
const onePostCounts = preparedQuery((db: DbOrTx, channelId: string, postId: string) =>
  db
    .selectFrom('post_reaction as r')
    .innerJoin('channel_member as m', (j) =>
      j.onRef('m.account_id', '=', 'r.account_id').on('m.channel_id', '=', channelId),
    )
    .select([sql<string>`'r'`.as('kind'), 'r.emoji', (eb) => eb.fn.countAll<number>().as('n')])
    .where('r.post_id', '=', postId)
    .groupBy('r.emoji')
    .unionAll(
      db
        .selectFrom('post_view as v')
        .innerJoin('channel_member as m', (j) =>
          j.onRef('m.account_id', '=', 'v.account_id').on('m.channel_id', '=', channelId),
        )
        .select([
          sql<string>`'v'`.as('kind'),
          sql<string>`null`.as('emoji'),
          (eb) => eb.fn.countAll<number>().as('n'),
        ])
        .where('v.post_id', '=', postId),
    )
    .unionAll(
      db
        .selectFrom('post_anonymous_views')
        .select([sql<string>`'a'`.as('kind'), sql<string>`null`.as('emoji'), 'views as n'])
        .where('post_id', '=', postId),
    ),
)

async function readOnePostCounts(db: DbOrTx, channelId: string, postId: string): Promise<PostCounts> {
  const counts = emptyCounts()
  for (const row of (await onePostCounts(db, channelId, postId)).rows) {
    if (row.kind === 'r') counts.reactions.set(row.emoji, Number(row.n))
    else if (row.kind === 'v') counts.viewers = Number(row.n)
    else counts.anonymousViews = Number(row.n)
  }
  return counts
}

/** Reactions per emoji, unique member viewers and anonymous views of each post. */
export async function readPostCounts(
  db: DbOrTx,
  channelId: string,
  postIds: readonly string[],
): Promise<Map<string, PostCounts>> {
  if (postIds.length === 1) {
    const id = postIds[0]!
    return new Map([[id, await readOnePostCounts(db, channelId, id)]])
  }
  const out = new Map<string, PostCounts>(postIds.map((id) => [id, emptyCounts()]))
  if (postIds.length === 0) return out
  const [reactions, viewers, anonymous] = await Promise.all([
    reactionCounts(db, channelId, postIds).execute(),
    viewerCounts(db, channelId, postIds).execute(),
    anonymousCounts(db, postIds).execute(),
  ])
  for (const r of reactions) out.get(r.post_id)?.reactions.set(r.emoji, Number(r.n))
  for (const v of viewers) out.get(v.post_id)!.viewers = Number(v.n)
  for (const a of anonymous) out.get(a.post_id)!.anonymousViews = Number(a.views)
  return out
}

export async function readPolls(db: DbOrTx, postIds: readonly string[]): Promise<Map<string, PollRow>> {
  if (postIds.length === 0) return new Map()
  const rows = await db.selectFrom('poll').selectAll().where('post_id', 'in', postIds).execute()
  return new Map(rows.map((r) => [r.post_id, r]))
}

/**
 * Voters and votes per option. A ballot is one row with a bit mask of its choices, so a tally is
 * one GROUP BY with a SUM per option bit (integer `>>` and `&` mean the same in SQLite and PostgreSQL).
 */
export async function readTallies(
  db: DbOrTx,
  channelId: string,
  polls: ReadonlyMap<string, PollRow>,
): Promise<Map<string, PollTally>> {
  if (polls.size === 0) return new Map()
  const bits = Array.from({ length: limits.optionsMax }, (_, i) =>
    sql<number>`sum((b.choices >> ${sql.lit(i)}) & 1)`.as(`o${i}`),
  )
  const ids = [...polls.keys()]
  const [rows, imported] = await Promise.all([
    db
      .selectFrom('poll_ballot as b')
      .innerJoin('channel_member as m', (j) =>
        j.onRef('m.account_id', '=', 'b.account_id').on('m.channel_id', '=', channelId),
      )
      .select(['b.post_id', (eb) => eb.fn.countAll<number>().as('voters'), ...bits])
      .where('b.post_id', 'in', ids)
      .groupBy('b.post_id')
      .execute(),
    db.selectFrom('poll_imported_tally').selectAll().where('post_id', 'in', ids).execute(),
  ])
  const byPost = new Map(rows.map((r) => [r.post_id, r as unknown as Record<string, unknown>]))
  const tallies = talliesOf(polls, byPost)
  // An imported poll (`backlot import`) brings the totals it had where it was exported from: the
  // archive never names who voted, so they count beside the ballots cast here since.
  for (const row of imported) {
    const tally = tallies.get(row.post_id)!
    const votes = JSON.parse(row.votes) as number[]
    tally.voters += Number(row.voters)
    tally.votes = tally.votes.map((n, i) => n + Number(votes[i] ?? 0))
  }
  return tallies
}

/** The tallies of polls nobody has voted in yet (just created): no query. */
export function emptyTallies(polls: ReadonlyMap<string, PollRow>): Map<string, PollTally> {
  return talliesOf(polls, new Map())
}

function talliesOf(
  polls: ReadonlyMap<string, PollRow>,
  byPost: ReadonlyMap<string, Record<string, unknown>>,
): Map<string, PollTally> {
  const out = new Map<string, PollTally>()
  for (const [postId, poll] of polls) {
    const size = (JSON.parse(poll.options) as string[]).length
    const row = byPost.get(postId)
    out.set(postId, {
      voters: Number(row?.voters ?? 0),
      votes: Array.from({ length: size }, (_, i) => Number(row?.[`o${i}`] ?? 0)),
    })
  }
  return out
}

/** Highlighted, not hidden answers by current members, newest highlight first. */
export async function readHighlights(
  db: DbOrTx,
  channelId: string,
  postIds: readonly string[],
): Promise<Map<string, HighlightRow[]>> {
  const out = new Map<string, HighlightRow[]>(postIds.map((id) => [id, []]))
  if (postIds.length === 0) return out
  const rows = await db
    .selectFrom('prompt_answer as a')
    .innerJoin('channel_member as m', (j) =>
      j.onRef('m.account_id', '=', 'a.account_id').on('m.channel_id', '=', channelId),
    )
    .innerJoin('account', 'account.id', 'a.account_id')
    .select(['a.id', 'a.post_id', 'a.text', 'a.highlighted_at', 'account.display_name'])
    .where('a.post_id', 'in', postIds)
    .where('a.highlighted_at', 'is not', null)
    .where('a.hidden_at', 'is', null)
    .orderBy('a.highlighted_at', 'desc')
    .orderBy('a.id', 'desc')
    .execute()
  for (const r of rows) out.get(r.post_id)!.push({ ...r, highlighted_at: r.highlighted_at! })
  return out
}

/** The viewer's own reaction on each post, ballot on each poll and answer to each prompt (members only). */
export async function readViewerState(
  db: DbOrTx,
  accountId: string,
  postIds: readonly string[],
  pollIds: readonly string[],
  promptIds: readonly string[],
) {
  const [reactions, ballots, answers] = await Promise.all([
    db
      .selectFrom('post_reaction')
      .select(['post_id', 'emoji'])
      .where('account_id', '=', accountId)
      .where('post_id', 'in', postIds)
      .execute(),
    pollIds.length === 0
      ? []
      : db
          .selectFrom('poll_ballot')
          .select(['post_id', 'choices'])
          .where('account_id', '=', accountId)
          .where('post_id', 'in', pollIds)
          .execute(),
    promptIds.length === 0
      ? []
      : db
          .selectFrom('prompt_answer')
          .select(['id', 'post_id', 'text', 'created_at', 'highlighted_at', 'hidden_at'])
          .where('account_id', '=', accountId)
          .where('post_id', 'in', promptIds)
          .execute(),
  ])
  return {
    reactions: new Map(reactions.map((r) => [r.post_id, r.emoji])),
    ballots: new Map(ballots.map((b) => [b.post_id, b.choices])),
    answers: new Map(answers.map((a) => [a.post_id, a])),
  }
}

export type ViewerState = Awaited<ReturnType<typeof readViewerState>>
