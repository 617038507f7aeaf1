import type { DbOrTx } from '../db/database.js'
import type { PollResultsVisibility, PostKind } from '../db/schema.js'
import { fail } from '../errors.js'
import { limits } from './limits.js'
import { insertPoll } from './poll-store.js'
import { insertPrompt } from './prompt-store.js'
import type { CreatePollInput, CreatePromptInput } from './schemas.js'
import { checkText } from './text.js'

/**
 * The poll or prompt part of a post being created: checked before the post's transaction starts,
 * inserted inside it (src/posts/create.ts through the PostHooks the interactions service provides).
 */
export type PostParts = { kind: 'poll'; poll: CleanPoll } | { kind: 'prompt'; prompt: { question: string } }

export interface CleanPoll {
  question: string
  options: string[]
  multiple: boolean
  quizCorrect: number | null
  quizExplanation: string | null
  closesAt: number | null
  resultsVisibility: PollResultsVisibility
}

function invalid(field: string, message: string): never {
  fail('validation', `Invalid body: ${field}: ${message}.`, { errors: [{ field, message }] })
}

/**
 * Checks a create request's `poll` / `prompt`: trimmed texts, distinct options, a quiz's correct
 * option within the options (and a quiz is single choice), a closing time in the future and at
 * most a year ahead. Returns null for a post with neither.
 */
export function cleanPostParts(
  input: { poll?: CreatePollInput; prompt?: CreatePromptInput },
  now: number,
): { kind: PostKind; parts: PostParts } | null {
  if (input.poll && input.prompt) invalid('/prompt', 'a post is either a poll or a prompt, not both')
  if (input.prompt) {
    const question = checkText(input.prompt.question, '/prompt/question', limits.questionMax)
    return { kind: 'prompt', parts: { kind: 'prompt', prompt: { question } } }
  }
  if (input.poll) return { kind: 'poll', parts: { kind: 'poll', poll: cleanPoll(input.poll, now) } }
  return null
}

function cleanPoll(input: CreatePollInput, now: number): CleanPoll {
  const question = checkText(input.question, '/poll/question', limits.questionMax)
  const options = input.options.map((o, i) => checkText(o, `/poll/options/${i}`, limits.optionMax))
  const duplicate = options.findIndex((o, i) => options.indexOf(o) !== i)
  if (duplicate !== -1) invalid(`/poll/options/${duplicate}`, 'must differ from the other options')
  const quiz = input.quiz
  if (quiz && quiz.correctOption >= options.length) {
    invalid('/poll/quiz/correctOption', `must be an option number from 0 to ${options.length - 1}`)
  }
  if (quiz && input.multiple) invalid('/poll/multiple', 'a quiz has exactly one correct option')
  let closesAt: number | null = null
  if (input.closesAt !== undefined) {
    closesAt = Date.parse(input.closesAt)
    if (!Number.isFinite(closesAt) || closesAt <= now) invalid('/poll/closesAt', 'must be in the future')
    if (closesAt > now + limits.pollMaxOpenMs) invalid('/poll/closesAt', 'must be within a year')
  }
  const explanation = quiz?.explanation?.trim() ?? ''
  return {
    question,
    options,
    multiple: input.multiple === true,
    quizCorrect: quiz ? quiz.correctOption : null,
    quizExplanation: quiz
      ? explanation === ''
        ? null
        : checkText(explanation, '/poll/quiz/explanation', limits.explanationMax)
      : null,
    closesAt,
    resultsVisibility: input.resultsVisibility ?? 'always',
  }
}

export async function insertPostParts(tx: DbOrTx, postId: string, parts: PostParts): Promise<void> {
  if (parts.kind === 'prompt') {
    await insertPrompt(tx, { post_id: postId, question: parts.prompt.question })
    return
  }
  const p = parts.poll
  await insertPoll(tx, {
    post_id: postId,
    question: p.question,
    options: JSON.stringify(p.options),
    multiple: p.multiple ? 1 : 0,
    quiz_correct: p.quizCorrect,
    quiz_explanation: p.quizExplanation,
    results_visibility: p.resultsVisibility,
    closes_at: p.closesAt,
    closed_at: null,
  })
}

/**
 * Tables holding what fans and the author put into a post's interactive parts: the poll and its
 * ballots, the prompt and its answers, reactions and views. Children before parents.
 */
const PART_TABLES = [
  'poll_ballot',
  'poll',
  'prompt_answer',
  'prompt',
  'post_reaction',
  'post_view',
  'post_anonymous_views',
] as const

/**
 * Erases a deleted post's interactive parts in its delete transaction: the question, options and
 * fans' answers are the post's content, and a tombstone needs no counts.
 */
export async function erasePostParts(tx: DbOrTx, postId: string): Promise<void> {
  for (const table of PART_TABLES) await tx.deleteFrom(table).where('post_id', '=', postId).execute()
}
