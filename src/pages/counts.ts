import { reactionSetOf } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'
import {
  areResultsVisible,
  readPolls,
  readPostCounts,
  readTallies,
  toReactionsView,
} from '../interactions/index.js'

/** The public numbers a page shows beside a post, and that `counts` frames later replace. */
export interface PageCounts {
  /** Null when the channel has reactions turned off. */
  reactions: number | null
  poll: { voters: number; votes: number[] | null } | null
}

/**
 * Reaction totals and poll tallies for the posts of a page, counted exactly as the live `counts`
 * frames count them (interactions/counts.ts: current members only, the channel's reaction set), so
 * the island can replace the rendered numbers with a frame's without a jump. Three queries per
 * page whatever its size. Per-option votes only where the poll's results are visible.
 */
export async function readPageCounts(
  db: DbOrTx,
  channel: ChannelRow,
  postIds: readonly string[],
  now: number,
): Promise<Map<string, PageCounts>> {
  const [counts, polls] = await Promise.all([readPostCounts(db, channel.id, postIds), readPolls(db, postIds)])
  const tallies = await readTallies(db, channel.id, polls)
  const set = reactionSetOf(channel)
  const out = new Map<string, PageCounts>()
  for (const id of postIds) {
    const reactions = toReactionsView(set, counts.get(id)?.reactions ?? new Map(), null)
    const poll = polls.get(id)
    const tally = tallies.get(id)
    out.set(id, {
      reactions: reactions.enabled ? reactions.total : null,
      poll:
        poll && tally
          ? { voters: tally.voters, votes: areResultsVisible(poll, now) ? tally.votes : null }
          : null,
    })
  }
  return out
}
