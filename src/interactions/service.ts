import type { CreatePostInput, PostHooks } from '../posts/index.js'
import type { InteractionDeps } from './deps.js'
import { hydrateInteractions } from './hydrate.js'
import { cleanPostParts, erasePostParts, insertPostParts, type PostParts } from './parts.js'
import { createPollCloser } from './poll-closer.js'
import { createPollService, type PollService } from './polls.js'
import { createPromptService, type PromptService } from './prompts.js'
import { hydratePublicInteractions } from './public-parts.js'
import { createReactionService, type ReactionService } from './reactions.js'
import { createStatsService, type StatsService } from './stats.js'
import { createViewService, type ViewService } from './viewers.js'

/**
 * Fan interactions (issue 4): reactions, polls and quizzes, prompts with curated answers, views,
 * and the parts they add to posts. Every fan action needs membership (`not-a-member`); counts
 * include only current members; public count changes go out live through the CountsMarker
 * (live-counts.ts), coalesced, never as channel events. Visible moderation (highlight, hide) and
 * poll closing are channel events. The parts: reactions.ts, polls.ts, prompts.ts, viewers.ts,
 * stats.ts, poll-closer.ts.
 */
export interface InteractionService {
  /** What the posts area calls to create poll and prompt posts and to hydrate post views and public reads. */
  postHooks: PostHooks
  /** Sets or changes the member's reaction from the channel's set (ReactionService.set). */
  setReaction: ReactionService['set']
  /** Removes the member's reaction; removing none changes nothing. */
  removeReaction: ReactionService['remove']
  /** Casts or changes the member's ballot (PollService.vote). */
  vote: PollService['vote']
  /** Withdraws the member's ballot (PollService.retract). */
  retractVote: PollService['retract']
  /** Staff close a poll early, appending `poll.closed` (PollService.closeByStaff). */
  closePoll: PollService['closeByStaff']
  /** Sends the member's one answer to a prompt (PromptService.answer). */
  answer: PromptService['answer']
  /** A prompt's answers for staff, newest first. */
  listAnswers: PromptService['list']
  /** Highlights or un-highlights an answer, as a channel event. */
  setHighlighted: PromptService['setHighlighted']
  /** Hides or unhides an answer, audited and as a channel event. */
  setHidden: PromptService['setHidden']
  /** Counts a view of a published post (ViewService.record). */
  recordView: ViewService['record']
  /** Writes pending anonymous views now (tests, shutdown). */
  flushAnonymousViews: ViewService['flushAnonymous']
  /** A post's statistics for staff. */
  stats: StatsService['stats']
  /** Everyone who reacted to a post, for staff. */
  reactors: StatsService['reactors']
  /** Closes polls that came due (also while the server was down) and keeps closing them on time. */
  start(): Promise<void>
  /** Closes due polls now (tests with a controllable clock); returns how many. */
  closeDuePolls(): Promise<number>
  /** Stops closing polls, writes pending views and flushes the live counts. */
  close(): Promise<void>
}

export function createInteractionService(deps: InteractionDeps): InteractionService {
  const reactions = createReactionService(deps)
  const polls = createPollService(deps)
  const prompts = createPromptService(deps)
  const views = createViewService(deps)
  const stats = createStatsService(deps)
  const closer = createPollCloser({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    close: (postId) => polls.close(postId),
  })

  const postHooks: PostHooks = {
    prepare: (input: CreatePostInput, now: number) => cleanPostParts(input, now),
    async insert(tx, postId, parts) {
      const p = parts as PostParts
      await insertPostParts(tx, postId, p)
      if (p.kind === 'poll' && p.poll.closesAt !== null) closer.wakeAt(p.poll.closesAt)
    },
    async erase(tx, post) {
      await erasePostParts(tx, post.id)
      return undefined
    },
    hydrate: (db, access, posts, views, context) =>
      hydrateInteractions(db, access, posts, views, deps.clock.now(), context?.isNew === true),
    hydratePublic: (db, _channel, posts, parts) => hydratePublicInteractions(db, posts, parts),
  }

  return {
    postHooks,
    setReaction: reactions.set,
    removeReaction: reactions.remove,
    vote: polls.vote,
    retractVote: polls.retract,
    closePoll: polls.closeByStaff,
    answer: prompts.answer,
    listAnswers: prompts.list,
    setHighlighted: prompts.setHighlighted,
    setHidden: prompts.setHidden,
    recordView: views.record,
    flushAnonymousViews: views.flushAnonymous,
    stats: stats.stats,
    reactors: stats.reactors,
    start: () => closer.start(),
    closeDuePolls: () => closer.sweep(),
    async close(): Promise<void> {
      await closer.stop()
      await views.close()
      await deps.marker.flush()
    },
  }
}
