import { recordAudit, roleAllows } from '../channels/index.js'
import { isUniqueViolation } from '../db/database.js'
import { DomainError, fail } from '../errors.js'
import { newId } from '../util/ids.js'
import { cursorCodec, mapPage, type Page, toPage } from '../util/pagination.js'
import type { InteractionDeps } from './deps.js'
import { createGroupCommit } from './group-commit.js'
import { limits } from './limits.js'
import {
  type AnswerRecord,
  findAnswer,
  insertAnswer,
  insertAnswers,
  listAnswers,
  updateAnswerIf,
} from './prompt-store.js'
import type { AnswerViewData, MyAnswerViewData } from './schemas.js'
import {
  assertMayModify,
  requireActingMember,
  requireTarget,
  type Target,
  type TargetPost,
} from './target.js'
import { checkText } from './text.js'
import { toMyAnswerView } from './views.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function toAnswerView(a: AnswerRecord): AnswerViewData {
  return {
    id: a.id,
    text: a.text,
    author: { handle: a.handle, displayName: a.display_name },
    createdAt: iso(a.created_at)!,
    highlighted: a.highlighted_at !== null,
    highlightedAt: iso(a.highlighted_at),
    hidden: a.hidden_at !== null,
    hiddenAt: iso(a.hidden_at),
    authorIsMember: a.member_id !== null,
  }
}

function requirePrompt(post: TargetPost): void {
  if (post.kind !== 'prompt') fail('not-a-prompt', 'This post does not ask fans a question.')
}

/** Staff of any role read answers; fans never read other fans' answers. */
function assertStaff({ access }: Target): void {
  if (access.role === null) fail('not-allowed', 'Only channel staff read the answers to a prompt.')
}

/** Answers are listed newest first by id (ULIDs grow with time). */
const answerCursor = cursorCodec({ id: 'id' })

/**
 * Prompts: members send one short answer each; staff read them, highlight some (shown publicly on
 * the post with the fan's display name) and hide abusive ones. Highlight and hide are channel
 * events (`answer.highlighted`, `answer.unhighlighted`, `answer.hidden`, `answer.unhidden`).
 */
export interface PromptService {
  /** Sends the member's one answer to a prompt (`not-a-prompt`, `validation`, `answer-exists`). */
  answer(accountId: string, slug: string, postId: string, input: string): Promise<MyAnswerViewData>
  /** A prompt's answers, newest first, hidden ones flagged (staff only: `not-allowed`). */
  list(
    actorId: string,
    slug: string,
    postId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<AnswerViewData>>
  /**
   * Highlights or un-highlights a current member's visible answer (`answer-not-found`,
   * `answer-hidden`); appends its event unless already so.
   */
  setHighlighted(
    actorId: string,
    slug: string,
    postId: string,
    answerId: string,
    on: boolean,
  ): Promise<AnswerViewData>
  /**
   * Hides or unhides an answer (answers.moderate or the prompt's author; `answer-not-found`),
   * taking back a highlight; audited, appends its event.
   */
  setHidden(
    actorId: string,
    slug: string,
    postId: string,
    answerId: string,
    on: boolean,
  ): Promise<AnswerViewData>
}

export function createPromptService({
  db,
  clock,
  eventLog,
  marker,
  logger,
  batchWindowMs = 0,
}: InteractionDeps): PromptService {
  type AnswerRow = Parameters<typeof insertAnswer>[1]
  const answerExists = () => new DomainError('answer-exists', 'You have already answered this prompt.')
  /** The answers of one window in one multi-row insert (group-commit.ts); window 0: each alone. */
  const answers = createGroupCommit<AnswerRow, void>(
    { windowMs: batchWindowMs, maxBatch: 100 },
    async (rows) => {
      const inserted = await insertAnswers(db, rows)
      return rows.map((r) =>
        inserted.has(r.id) ? { ok: true, value: undefined } : { ok: false, error: answerExists() },
      )
    },
    (row) => insertAnswerAlone(row),
    logger,
  )
  async function insertAnswerAlone(row: AnswerRow): Promise<void> {
    try {
      await insertAnswer(db, row)
    } catch (error) {
      if (isUniqueViolation(error)) throw answerExists()
      throw error
    }
  }

  /**
   * Sends the member's answer: one per member per prompt (`answer-exists`). How many a member may
   * send across prompts is the route's `answers` rate-limit bucket.
   */
  async function answer(
    accountId: string,
    slug: string,
    postId: string,
    input: string,
  ): Promise<MyAnswerViewData> {
    const { post } = await requireActingMember(db, slug, accountId, postId)
    requirePrompt(post)
    const text = checkText(input, '/text', limits.answerMax)
    const row = {
      id: newId(),
      post_id: post.id,
      account_id: accountId,
      text,
      created_at: clock.now(),
      highlighted_at: null,
      highlighted_by: null,
      hidden_at: null,
      hidden_by: null,
    }
    await (batchWindowMs > 0 ? answers.submit(row) : insertAnswerAlone(row))
    return toMyAnswerView(row)
  }

  async function list(
    actorId: string,
    slug: string,
    postId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<AnswerViewData>> {
    const target = await requireTarget(db, slug, actorId, postId)
    assertStaff(target)
    requirePrompt(target.post)
    const rows = await listAnswers(db, {
      channelId: target.access.channel.id,
      postId: target.post.id,
      beforeId: answerCursor.decodeOptional(page.cursor)?.id ?? null,
      limit: page.limit + 1,
    })
    return mapPage(
      toPage(rows, page.limit, (last) => answerCursor.encode({ id: last.id })),
      toAnswerView,
    )
  }

  async function loadForModeration(actorId: string, slug: string, postId: string, answerId: string) {
    const target = await requireTarget(db, slug, actorId, postId)
    requirePrompt(target.post)
    const found = await findAnswer(db, target.access.channel.id, target.post.id, answerId)
    return { target, found }
  }

  /**
   * Highlights (or un-highlights) an answer: the prompt's author (creator) or anyone with
   * post.edit-any. Only an answer by a current member that is not hidden can be highlighted.
   * Setting the state it already has changes nothing and logs nothing.
   */
  async function setHighlighted(
    actorId: string,
    slug: string,
    postId: string,
    answerId: string,
    on: boolean,
  ): Promise<AnswerViewData> {
    const { target, found } = await loadForModeration(actorId, slug, postId, answerId)
    assertMayModify(target.access, target.post, 'post.edit-own', 'post.edit-any')
    if (!found || (on && found.member_id === null)) fail('answer-not-found', `No answer "${answerId}" here.`)
    if (on && found.hidden_at !== null) fail('answer-hidden', 'Unhide the answer before highlighting it.')
    if ((found.highlighted_at !== null) === on) return toAnswerView(found)
    const { channel } = target.access
    const now = clock.now()
    const changes = { highlighted_at: on ? now : null, highlighted_by: on ? actorId : null }
    const changed = await eventLog.transact(async (tx, append) => {
      if (!(await updateAnswerIf(tx, found.id, 'highlighted_at', on ? 'unset' : 'set', changes))) return false
      const data = on
        ? {
            postId: target.post.id,
            answer: {
              id: found.id,
              text: found.text,
              author: { displayName: found.display_name },
              highlightedAt: iso(now),
            },
          }
        : { postId: target.post.id, answerId: found.id }
      await append({
        channelId: channel.id,
        channelSlug: channel.slug,
        type: on ? 'answer.highlighted' : 'answer.unhighlighted',
        postId: target.post.id,
        data,
      })
      return true
    })
    if (changed) marker.mark(channel.id, target.post.id)
    return toAnswerView((await findAnswer(db, channel.id, target.post.id, found.id))!)
  }

  /**
   * Hides (or unhides) an answer: moderators, admins, the owner, and the prompt's author. Hiding
   * also takes back a highlight. Audited, and logged as an event carrying only ids.
   */
  async function setHidden(
    actorId: string,
    slug: string,
    postId: string,
    answerId: string,
    on: boolean,
  ): Promise<AnswerViewData> {
    const { target, found } = await loadForModeration(actorId, slug, postId, answerId)
    if (!roleAllows(target.access.role, 'answers.moderate')) {
      assertMayModify(target.access, target.post, 'post.edit-own', 'answers.moderate')
    }
    if (!found) fail('answer-not-found', `No answer "${answerId}" here.`)
    if ((found.hidden_at !== null) === on) return toAnswerView(found)
    const { channel } = target.access
    const now = clock.now()
    const wasHighlighted = found.highlighted_at !== null
    const changes = on
      ? { hidden_at: now, hidden_by: actorId, highlighted_at: null, highlighted_by: null }
      : { hidden_at: null, hidden_by: null }
    const changed = await eventLog.transact(async (tx, append) => {
      if (!(await updateAnswerIf(tx, found.id, 'hidden_at', on ? 'unset' : 'set', changes))) return false
      await recordAudit(tx, {
        channelId: channel.id,
        actorId,
        action: on ? 'answer.hidden' : 'answer.unhidden',
        targetAccountId: found.account_id,
        targetPostId: target.post.id,
        details: { answerId: found.id, wasHighlighted },
        at: now,
      })
      await append({
        channelId: channel.id,
        channelSlug: channel.slug,
        type: on ? 'answer.hidden' : 'answer.unhidden',
        postId: target.post.id,
        data: { postId: target.post.id, answerId: found.id },
      })
      return true
    })
    if (changed && wasHighlighted) marker.mark(channel.id, target.post.id)
    return toAnswerView((await findAnswer(db, channel.id, target.post.id, found.id))!)
  }

  return { answer, list, setHighlighted, setHidden }
}
