import type { ChannelAccess } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { PollRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { readTallies } from './counts.js'
import type { InteractionDeps } from './deps.js'
import { createTransactionBatch } from './group-commit.js'
import {
  deleteBallot,
  findBallot,
  findPoll,
  insertBallotOnce,
  lockOpenPoll,
  markPollClosed,
  upsertBallot,
} from './poll-store.js'
import type { PollViewData } from './schemas.js'
import { assertMayModify, requireActingMember, requireTarget, type TargetPost } from './target.js'
import { optionsToChoices, toPollView } from './views.js'

/** The ballot as a bit mask, or `invalid-option` naming what does not fit. */
function checkBallot(poll: PollRow, options: readonly number[]): number {
  const size = (JSON.parse(poll.options) as string[]).length
  const unknown = options.find((o) => o >= size)
  if (unknown !== undefined) {
    fail('invalid-option', `Option ${unknown} does not exist; this poll has options 0 to ${size - 1}.`, {
      errors: [{ field: '/options', message: `option ${unknown} does not exist` }],
    })
  }
  if (poll.multiple === 0 && options.length !== 1) {
    fail('invalid-option', 'This poll takes exactly one option.', {
      errors: [{ field: '/options', message: 'must name exactly one option' }],
    })
  }
  return optionsToChoices(options)
}

function requirePoll(post: TargetPost): void {
  if (post.kind !== 'poll') fail('not-a-poll', 'This post is not a poll.')
}

/** Votes, ballot changes and closing. Votes are anonymous: nobody, staff included, sees who chose what. */
export interface PollService {
  /**
   * Casts or changes the member's one ballot (`not-a-poll`, `poll-closed`, `invalid-option`; a
   * quiz's is final: `vote-locked`).
   */
  vote(accountId: string, slug: string, postId: string, options: number[]): Promise<PollViewData>
  /**
   * Withdraws the member's ballot (`poll-closed`; not in a quiz: `vote-locked`); withdrawing none
   * changes nothing.
   */
  retract(accountId: string, slug: string, postId: string): Promise<PollViewData>
  /** Closes a poll, appending `poll.closed` exactly once whoever calls; true when this call closed it. */
  close(postId: string): Promise<boolean>
  /** Staff close a poll early: its author (creator) or anyone with post.edit-any. */
  closeByStaff(actorId: string, slug: string, postId: string): Promise<PollViewData>
}

export function createPollService({
  db,
  clock,
  eventLog,
  marker,
  logger,
  batchWindowMs = 0,
}: InteractionDeps): PollService {
  /** Ballots of one window share a transaction and its commit (group-commit.ts). */
  const inBatch = createTransactionBatch(db, batchWindowMs, logger)
  async function viewFor(
    tx: DbOrTx,
    access: ChannelAccess,
    poll: PollRow,
    choices: number | null,
  ): Promise<PollViewData> {
    const tallies = await readTallies(tx, access.channel.id, new Map([[poll.post_id, poll]]))
    return toPollView(poll, tallies.get(poll.post_id)!, choices, clock.now())
  }

  /**
   * Casts or changes the member's one ballot. The poll's row lock is held while the ballot is
   * written, so a ballot either lands before the poll closes or is refused (`poll-closed`). A quiz
   * ballot is final: another choice is `vote-locked`, the same one again changes nothing.
   */
  async function vote(
    accountId: string,
    slug: string,
    postId: string,
    options: number[],
  ): Promise<PollViewData> {
    const { access, post } = await requireActingMember(db, slug, accountId, postId)
    requirePoll(post)
    const { poll, choices, changed } = await inBatch({
      key: post.id,
      run: async (tx) => {
        const now = clock.now()
        const poll = await lockOpenPoll(tx, post.id, now)
        if (!poll) fail('poll-closed', 'The poll is closed; votes are no longer taken.')
        const choices = checkBallot(poll, options)
        const row = { post_id: post.id, account_id: accountId, choices, voted_at: now }
        if (poll.quiz_correct === null) return { poll, choices, changed: await upsertBallot(tx, row) }
        if (await insertBallotOnce(tx, row)) return { poll, choices, changed: true }
        const existing = await findBallot(tx, post.id, accountId)
        if (existing?.choices !== choices) fail('vote-locked', 'A quiz answer cannot be changed.')
        return { poll, choices, changed: false }
      },
    })
    if (changed) marker.mark(access.channel.id, post.id)
    return viewFor(db, access, poll, choices)
  }

  async function retract(accountId: string, slug: string, postId: string): Promise<PollViewData> {
    const { access, post } = await requireActingMember(db, slug, accountId, postId)
    requirePoll(post)
    const { poll, changed } = await inBatch({
      key: post.id,
      run: async (tx) => {
        const poll = await lockOpenPoll(tx, post.id, clock.now())
        if (!poll) fail('poll-closed', 'The poll is closed; ballots can no longer change.')
        if (poll.quiz_correct !== null) fail('vote-locked', 'A quiz answer cannot be withdrawn.')
        return { poll, changed: await deleteBallot(tx, post.id, accountId) }
      },
    })
    if (changed) marker.mark(access.channel.id, post.id)
    return viewFor(db, access, poll, null)
  }

  /**
   * Closes a poll and appends `poll.closed` ({ postId, poll: the public poll view with final
   * results }) in the same transaction — exactly once, whoever calls: the conditional UPDATE lets
   * only one caller (node, restart, staff request) through. A poll of a post that is not published
   * (deleted) closes without an event. Returns whether this call closed it.
   */
  async function close(postId: string): Promise<boolean> {
    return eventLog.transact(async (tx, append) => {
      const now = clock.now()
      const poll = await markPollClosed(tx, postId, now)
      if (!poll) return false
      const post = await tx
        .selectFrom('post')
        .innerJoin('channel', 'channel.id', 'post.channel_id')
        .select(['post.status', 'channel.id as channel_id', 'channel.slug'])
        .where('post.id', '=', postId)
        .executeTakeFirstOrThrow()
      if (post.status !== 'published') return true
      const tallies = await readTallies(tx, post.channel_id, new Map([[postId, poll]]))
      await append({
        channelId: post.channel_id,
        channelSlug: post.slug,
        type: 'poll.closed',
        postId,
        data: { postId, poll: toPollView(poll, tallies.get(postId)!, null, now) },
      })
      return true
    })
  }

  async function closeByStaff(actorId: string, slug: string, postId: string): Promise<PollViewData> {
    const { access, post } = await requireTarget(db, slug, actorId, postId)
    assertMayModify(access, post, 'post.edit-own', 'post.edit-any')
    requirePoll(post)
    await close(post.id)
    const poll = (await findPoll(db, post.id))!
    const ballot = await findBallot(db, post.id, actorId)
    return viewFor(db, access, poll, ballot?.choices ?? null)
  }

  return { vote, retract, close, closeByStaff }
}
