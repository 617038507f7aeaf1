import { reactionSetOf } from '../channels/index.js'
import { fail } from '../errors.js'
import type { InteractionDeps } from './deps.js'
import { createReactionWriter } from './reaction-writer.js'
import { createTargetLoader, requireActingMember } from './target.js'

// U+FE0F (emoji presentation) is optional on many emoji: '❤' and '❤️' are the same reaction.
const stripVariation = (emoji: string) => emoji.replaceAll('\uFE0F', '')

/**
 * The channel's set member `emoji` stands for, or the documented refusal: `reactions-off` when the
 * channel's set is empty, `reaction-not-allowed` (with the allowed set) otherwise.
 */
export function matchReaction(set: readonly string[], emoji: string, slug: string): string {
  if (set.length === 0) fail('reactions-off', `Reactions are turned off in "${slug}".`)
  const wanted = stripVariation(emoji)
  const match = set.find((e) => stripVariation(e) === wanted)
  if (match === undefined) {
    fail('reaction-not-allowed', `"${emoji}" is not one of this channel's reactions.`, { allowed: set })
  }
  return match
}

/** One reaction per member per post, from the channel's set; counts go out live, coalesced. */
export interface ReactionService {
  /**
   * Sets or changes the member's reaction (`not-a-member`, `reactions-off`,
   * `reaction-not-allowed`); concurrent requests leave one.
   */
  set(
    accountId: string,
    slug: string,
    postId: string,
    emoji: string,
  ): Promise<{ emoji: string; changed: boolean }>
  /** Removes the member's reaction (`not-a-member`); removing none changes nothing. */
  remove(accountId: string, slug: string, postId: string): Promise<void>
}

export function createReactionService({
  db,
  clock,
  marker,
  logger,
  batchWindowMs,
}: InteractionDeps): ReactionService {
  const writer = createReactionWriter(db, logger, batchWindowMs ?? 0)
  /** The hot post's access checks of one window in one read (target.ts), like the writes. */
  const targets = createTargetLoader(db, batchWindowMs ?? 0, logger)

  /**
   * Sets (or changes) the member's reaction. An atomic upsert on (post, member), group-committed
   * with the other reactions of the same moment (reaction-writer.ts): any number of concurrent
   * requests from one member leave exactly one reaction, counted once.
   */
  async function set(accountId: string, slug: string, postId: string, emoji: string) {
    const { access, post } = await requireActingMember(db, slug, accountId, postId, targets)
    const reaction = matchReaction(reactionSetOf(access.channel), emoji, access.channel.slug)
    const changed = await writer.set({
      post_id: post.id,
      account_id: accountId,
      emoji: reaction,
      created_at: clock.now(),
    })
    if (changed) marker.mark(access.channel.id, post.id)
    return { emoji: reaction, changed }
  }

  async function remove(accountId: string, slug: string, postId: string): Promise<void> {
    const { access, post } = await requireActingMember(db, slug, accountId, postId, targets)
    if (await writer.remove(post.id, accountId)) marker.mark(access.channel.id, post.id)
  }

  return { set, remove }
}
