import { reactionSetOf } from '../channels/index.js'
import { fail } from '../errors.js'
import { cursorCodec, mapPage, type Page, toPage } from '../util/pagination.js'
import { readPolls, readPostCounts, readTallies } from './counts.js'
import type { InteractionDeps } from './deps.js'
import { limits } from './limits.js'
import { answerStats } from './prompt-store.js'
import type { ReactorData, StatsViewData } from './schemas.js'
import { listReactors } from './store.js'
import { requireTarget, type Target } from './target.js'
import { isPollClosed } from './views.js'

/** Staff of any role see who reacted and the per-post numbers; fans never do. */
function assertStaff({ access }: Target): void {
  if (access.role === null) fail('not-allowed', "Only channel staff see a post's statistics.")
}

/** Reactors are listed newest first by (reacted at, account id). */
const reactorCursor = cursorCodec({ at: 'int', accountId: 'id' })

/** Per-post statistics for staff: views, reactions with who reacted, vote totals, answer counts. */
export interface StatsService {
  /**
   * A post's views, reactions (with the latest reactors), vote totals and answer counts (staff
   * only: `not-allowed`).
   */
  stats(actorId: string, slug: string, postId: string): Promise<StatsViewData>
  /** Everyone who reacted (current members), newest first, optionally one emoji only (staff only). */
  reactors(
    actorId: string,
    slug: string,
    postId: string,
    page: { limit: number; cursor?: string; emoji?: string },
  ): Promise<Page<ReactorData>>
}

export function createStatsService({ db, clock }: InteractionDeps): StatsService {
  async function stats(actorId: string, slug: string, postId: string): Promise<StatsViewData> {
    const target = await requireTarget(db, slug, actorId, postId)
    assertStaff(target)
    const { channel } = target.access
    const { post } = target
    const counts = (await readPostCounts(db, channel.id, [post.id])).get(post.id)!
    const set = reactionSetOf(channel)
    const byEmoji = await Promise.all(
      set.map(async (emoji) => {
        const recent = await listReactors(db, {
          channelId: channel.id,
          postId: post.id,
          emoji,
          before: null,
          limit: limits.statsReactors,
        })
        return {
          emoji,
          count: counts.reactions.get(emoji) ?? 0,
          recent: recent.map((r) => ({ handle: r.handle, displayName: r.display_name })),
        }
      }),
    )
    const polls = post.kind === 'poll' ? await readPolls(db, [post.id]) : new Map()
    const tally = (await readTallies(db, channel.id, polls)).get(post.id)
    const poll = polls.get(post.id)
    return {
      views: {
        members: counts.viewers,
        anonymous: counts.anonymousViews,
        total: counts.viewers + counts.anonymousViews,
      },
      reactions: { total: byEmoji.reduce((sum, e) => sum + e.count, 0), byEmoji },
      poll:
        poll && tally
          ? { totalVoters: tally.voters, votes: tally.votes, closed: isPollClosed(poll, clock.now()) }
          : null,
      answers: post.kind === 'prompt' ? await answerStats(db, post.id) : null,
    }
  }

  async function reactors(
    actorId: string,
    slug: string,
    postId: string,
    page: { limit: number; cursor?: string; emoji?: string },
  ): Promise<Page<ReactorData>> {
    const target = await requireTarget(db, slug, actorId, postId)
    assertStaff(target)
    const rows = await listReactors(db, {
      channelId: target.access.channel.id,
      postId: target.post.id,
      emoji: page.emoji,
      before: reactorCursor.decodeOptional(page.cursor),
      limit: page.limit + 1,
    })
    const reactors = toPage(rows, page.limit, (last) =>
      reactorCursor.encode({ at: last.created_at, accountId: last.account_id }),
    )
    return mapPage(reactors, (r) => ({
      handle: r.handle,
      displayName: r.display_name,
      emoji: r.emoji,
      reactedAt: new Date(r.created_at).toISOString(),
    }))
  }

  return { stats, reactors }
}
