import type { CreatePostInput, PostHooks } from '../posts/index.js'
import type { InteractionDeps } from './deps.js'
import { hydrateInteractions } from './hydrate.js'
import { cleanPostParts, erasePostParts, insertPostParts, type PostParts } from './parts.js'
import { createPollCloser } from './poll-closer.js'
import { createPollService } from './polls.js'
import { createPromptService } from './prompts.js'
import { hydratePublicInteractions } from './public-parts.js'
import { createReactionService } from './reactions.js'
import { createStatsService } from './stats.js'
import { createViewService } from './viewers.js'

/**
 * Fan interactions (issue 4): reactions, polls and quizzes, prompts with curated answers, views,
 * and the parts they add to posts. Every fan action needs membership (`not-a-member`); counts
 * include only current members; public count changes go out live through the CountsMarker
 * (live-counts.ts), coalesced, never as channel events. Visible moderation (highlight, hide) and
 * poll closing are channel events.
 */
export function createInteractionService(deps: InteractionDeps) {
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

  /** What the posts area calls to create poll and prompt posts and to hydrate post views and public reads. */
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
    /** Closes polls that came due (also while the server was down) and keeps closing them on time. */
    start: () => closer.start(),
    /** Closes due polls now (tests with a controllable clock). */
    closeDuePolls: () => closer.sweep(),
    async close(): Promise<void> {
      await closer.stop()
      await views.close()
      await deps.marker.flush()
    },
  }
}

export type InteractionService = ReturnType<typeof createInteractionService>
