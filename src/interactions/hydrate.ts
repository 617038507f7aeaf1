import { type ChannelAccess, reactionSetOf } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { PostKind } from '../db/schema.js'
import type { PostViewData } from '../posts/index.js'
import {
  emptyCounts,
  emptyTallies,
  type HighlightRow,
  readHighlights,
  readPolls,
  readPostCounts,
  readTallies,
  readViewerState,
} from './counts.js'
import { readPromptQuestions } from './prompt-store.js'
import { toPollView, toPromptView, toReactionsView, totalViews } from './views.js'

/**
 * Adds `reactions`, `views`, and for polls and prompts `poll` / `prompt`, to a page of post views
 * of one channel, as `access` sees them: a fixed number of batched queries for the whole page
 * (no query per post), whatever its size. The viewer's own reaction, ballot and answer are read
 * only for members (a non-member has none that counts). Called by the posts area for get, list,
 * and (with a public access) for the data of `post.published` / `post.edited` events.
 */
export async function hydrateInteractions(
  db: DbOrTx,
  access: ChannelAccess,
  posts: readonly { id: string; kind: PostKind }[],
  views: PostViewData[],
  now: number,
  /** Posts created in this transaction: nothing counts for them yet (PostHooks HydrateContext). */
  isNew = false,
): Promise<void> {
  if (posts.length === 0) return
  const channelId = access.channel.id
  const ids = posts.map((p) => p.id)
  const pollIds = posts.filter((p) => p.kind === 'poll').map((p) => p.id)
  const promptIds = posts.filter((p) => p.kind === 'prompt').map((p) => p.id)
  const viewerId = access.membership ? access.accountId : null
  const [counts, polls, questions, highlights, mine] = await Promise.all([
    isNew ? new Map(ids.map((id) => [id, emptyCounts()])) : readPostCounts(db, channelId, ids),
    readPolls(db, pollIds),
    readPromptQuestions(db, promptIds),
    isNew ? new Map<string, HighlightRow[]>() : readHighlights(db, channelId, promptIds),
    viewerId === null || isNew ? null : readViewerState(db, viewerId, ids, pollIds, promptIds),
  ])
  const tallies = isNew ? emptyTallies(polls) : await readTallies(db, channelId, polls)
  const set = reactionSetOf(access.channel)
  posts.forEach((post, i) => {
    const view = views[i]!
    const c = counts.get(post.id)!
    view.reactions = toReactionsView(set, c.reactions, mine?.reactions.get(post.id) ?? null)
    view.views = totalViews(c)
    const poll = polls.get(post.id)
    if (poll) view.poll = toPollView(poll, tallies.get(post.id)!, mine?.ballots.get(post.id) ?? null, now)
    const question = questions.get(post.id)
    if (question !== undefined) {
      view.prompt = toPromptView(question, highlights.get(post.id) ?? [], mine?.answers.get(post.id) ?? null)
    }
  })
}
