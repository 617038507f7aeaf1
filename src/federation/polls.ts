import type { DbOrTx } from '../db/database.js'
import { areResultsVisible, readPolls, readTallies } from '../interactions/index.js'
import type { PollFacts } from './notes.js'
import { remoteTallies } from './store.js'

/**
 * The polls among `postIds`, with counts as a Question carries them: the channel's own ballots plus
 * remote votes, or no counts while the poll hides its results (after-close polls).
 */
export async function pollFacts(
  db: DbOrTx,
  channelId: string,
  postIds: readonly string[],
  now: number,
): Promise<Map<string, PollFacts>> {
  const polls = await readPolls(db, postIds)
  const out = new Map<string, PollFacts>()
  if (polls.size === 0) return out
  const optionCounts = new Map([...polls].map(([id, p]) => [id, (JSON.parse(p.options) as string[]).length]))
  const [local, remote] = await Promise.all([
    readTallies(db, channelId, polls),
    remoteTallies(db, optionCounts),
  ])
  for (const [postId, poll] of polls) {
    if (!areResultsVisible(poll, now)) {
      out.set(postId, { poll, tally: null })
      continue
    }
    const mine = local.get(postId)
    const theirs = remote.get(postId)
    const n = optionCounts.get(postId)!
    out.set(postId, {
      poll,
      tally: {
        voters: (mine?.voters ?? 0) + (theirs?.voters ?? 0),
        votes: Array.from({ length: n }, (_, i) => (mine?.votes[i] ?? 0) + (theirs?.votes[i] ?? 0)),
      },
    })
  }
  return out
}
