import type { DbOrTx } from '../db/database.js'
import { REDACTED } from '../event-log/redaction.js'
import { readPolls, readPostCounts, readTallies } from '../interactions/index.js'

/**
 * Takes an erased person out of the channel event log (issue 17 point 3), so a replay from any
 * position shows none of them. As with a deleted post (event-log/redaction.ts), sequence numbers,
 * ids, types and times stay — resume stays exact — and only `data` is rewritten:
 *
 * - Their posts stay (channel content belongs to the channel): every `{ handle, displayName }` of
 *   theirs in an event becomes the former member's.
 * - A highlighted answer of theirs is reduced to `{ postId, answerId, redacted }`.
 * - Counts carried by events of posts they reacted to or voted in (a poll's votes and voters, a
 *   post's reaction counts) are recomputed from the database, where their rows are gone already.
 */
export interface ErasedPerson {
  handle: string
  displayName: string
  /** The former member's public names. */
  former: { handle: string; displayName: string }
  answerIds: ReadonlySet<string>
  /** Posts they reacted to, voted in or answered, by channel: their events are all looked at. */
  touched: ReadonlyMap<string, ReadonlySet<string>>
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

/** Rewrites the events of `channelIds` that name the person or carry counts they were part of. */
export async function redactPersonFromEvents(
  tx: DbOrTx,
  channelIds: readonly string[],
  person: ErasedPerson,
): Promise<number> {
  let rewritten = 0
  for (const channelId of channelIds) {
    const counts = await freshCounts(tx, channelId, person.touched.get(channelId) ?? new Set())
    const events = await tx
      .selectFrom('channel_event')
      .select(['seq', 'post_id', 'data'])
      .where('channel_id', '=', channelId)
      // The LIKEs only narrow the scan (a `%` or `_` in a name widens it, harmlessly): every
      // event found is parsed, and only structured matches are rewritten.
      .where((eb) =>
        eb.or([
          eb('data', 'like', `%${JSON.stringify(person.handle)}%`),
          eb('data', 'like', `%${JSON.stringify(person.displayName)}%`),
          ...(counts.postIds.length > 0 ? [eb('post_id', 'in', counts.postIds)] : []),
        ]),
      )
      .execute()
    for (const event of events) {
      const data = JSON.parse(event.data) as JsonObject
      const next = rewrite(data, person, event.post_id ? counts.byPost.get(event.post_id) : undefined)
      const text = JSON.stringify(next)
      if (text === event.data) continue
      await tx
        .updateTable('channel_event')
        .set({ data: text })
        .where('channel_id', '=', channelId)
        .where('seq', '=', event.seq)
        .execute()
      rewritten++
    }
  }
  return rewritten
}

interface FreshCounts {
  /** Reactions per emoji. */
  reactions: Map<string, number>
  /** A poll's voters and votes per option, when the post is a poll. */
  tally?: { voters: number; votes: number[] }
}

async function freshCounts(tx: DbOrTx, channelId: string, postIdSet: ReadonlySet<string>) {
  const postIds = [...postIdSet]
  const byPost = new Map<string, FreshCounts>()
  if (postIds.length === 0) return { postIds, byPost }
  const counts = await readPostCounts(tx, channelId, postIds)
  const tallies = await readTallies(tx, channelId, await readPolls(tx, postIds))
  for (const id of postIds) {
    byPost.set(id, { reactions: counts.get(id)?.reactions ?? new Map(), tally: tallies.get(id) })
  }
  return { postIds, byPost }
}

function rewrite(data: JsonObject, person: ErasedPerson, counts: FreshCounts | undefined): Json {
  const answer = data.answer
  if (isObject(answer) && typeof answer.id === 'string' && person.answerIds.has(answer.id)) {
    return { postId: data.postId ?? null, answerId: answer.id, [REDACTED]: true }
  }
  return walk(data, person, counts)
}

function walk(value: Json, person: ErasedPerson, counts: FreshCounts | undefined): Json {
  if (Array.isArray(value)) return value.map((v) => walk(v, person, counts))
  if (!isObject(value)) return value
  const out: JsonObject = {}
  for (const [key, v] of Object.entries(value)) out[key] = walk(v, person, counts)
  if (out.handle === person.handle && 'displayName' in out) {
    out.handle = person.former.handle
    out.displayName = person.former.displayName
  }
  if (counts) recount(out, counts)
  return out
}

/** Puts fresh numbers into the count-carrying shapes of interactions' views (views.ts). */
function recount(view: JsonObject, counts: FreshCounts): void {
  // A reactions view: { counts: [{ emoji, count }], total }.
  if (Array.isArray(view.counts) && typeof view.total === 'number') {
    let total = 0
    view.counts = view.counts.map((c) => {
      if (!isObject(c) || typeof c.emoji !== 'string') return c
      const count = counts.reactions.get(c.emoji) ?? 0
      total += count
      return { ...c, count }
    })
    view.total = total
  }
  // A poll view: { options: [{ text, votes }], totalVoters }; votes are null while results are hidden.
  if (counts.tally && Array.isArray(view.options) && typeof view.totalVoters === 'number') {
    const tally = counts.tally
    view.options = view.options.map((o, i) =>
      isObject(o) && typeof o.votes === 'number' ? { ...o, votes: tally.votes[i] ?? 0 } : o,
    )
    view.totalVoters = tally.voters
  }
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
