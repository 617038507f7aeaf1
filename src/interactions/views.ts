import type { PollRow } from '../db/schema.js'
import type { HighlightRow, PollTally, PostCounts } from './counts.js'
import { limits } from './limits.js'
import type { MyAnswerViewData, PollViewData, PromptViewData, ReactionsViewData } from './schemas.js'

/** Presenters: rows and counts → the camelCase parts of the post view and of `counts` frames. */

const iso = (ms: number) => new Date(ms).toISOString()
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms))

/** Every emoji of the set in its order, zeros included; reactions outside the current set are not shown. */
export function toReactionsView(
  set: readonly string[],
  counts: ReadonlyMap<string, number>,
  mine: string | null,
): ReactionsViewData {
  const list = set.map((emoji) => ({ emoji, count: counts.get(emoji) ?? 0 }))
  return {
    enabled: set.length > 0,
    counts: list,
    total: list.reduce((sum, c) => sum + c.count, 0),
    mine: mine !== null && set.includes(mine) ? mine : null,
  }
}

/** A poll is closed once closed_at is set, or once its closing time has passed (before the closer ran). */
export function isPollClosed(poll: PollRow, now: number): boolean {
  return poll.closed_at !== null || (poll.closes_at !== null && poll.closes_at <= now)
}

export function areResultsVisible(poll: PollRow, now: number): boolean {
  return poll.results_visibility === 'always' || isPollClosed(poll, now)
}

export function choicesToOptions(mask: number): number[] {
  const out: number[] = []
  for (let i = 0; i < limits.optionsMax; i++) if (mask & (1 << i)) out.push(i)
  return out
}

export function optionsToChoices(options: readonly number[]): number {
  return options.reduce((mask, i) => mask | (1 << i), 0)
}

/**
 * The poll as `viewerChoices`' owner sees it (null: has not voted, or anonymous). Per-option counts
 * are null while results are hidden; a quiz's answer and explanation appear only once the viewer
 * voted or the poll closed. Who voted for what is never shown to anyone.
 */
export function toPollView(
  poll: PollRow,
  tally: PollTally,
  viewerChoices: number | null,
  now: number,
): PollViewData {
  const closed = isPollClosed(poll, now)
  const visible = areResultsVisible(poll, now)
  const isQuiz = poll.quiz_correct !== null
  const revealQuiz = isQuiz && (closed || viewerChoices !== null)
  const options = JSON.parse(poll.options) as string[]
  return {
    question: poll.question,
    options: options.map((text, i) => ({ text, votes: visible ? (tally.votes[i] ?? 0) : null })),
    multiple: poll.multiple === 1,
    quiz: isQuiz,
    resultsVisibility: poll.results_visibility,
    resultsVisible: visible,
    totalVoters: tally.voters,
    closesAt: isoOrNull(poll.closes_at),
    closed,
    closedAt: poll.closed_at !== null ? iso(poll.closed_at) : closed ? isoOrNull(poll.closes_at) : null,
    myVote: viewerChoices === null ? null : choicesToOptions(viewerChoices),
    correctOption: revealQuiz ? poll.quiz_correct : null,
    explanation: revealQuiz ? poll.quiz_explanation : null,
  }
}

export interface MyAnswerRow {
  id: string
  text: string
  created_at: number
  highlighted_at: number | null
  hidden_at: number | null
}

export function toPromptView(
  question: string,
  highlights: readonly HighlightRow[],
  mine: MyAnswerRow | null,
): PromptViewData {
  return {
    question,
    highlighted: highlights.slice(0, limits.highlightsShown).map((h) => ({
      id: h.id,
      text: h.text,
      author: { displayName: h.display_name },
      highlightedAt: iso(h.highlighted_at),
    })),
    myAnswer: mine === null ? null : toMyAnswerView(mine),
  }
}

/** The author's own answer. Whether staff hid it is not said: a hidden answer looks unhighlighted. */
export function toMyAnswerView(a: MyAnswerRow): MyAnswerViewData {
  return {
    id: a.id,
    text: a.text,
    createdAt: iso(a.created_at),
    highlighted: a.highlighted_at !== null && a.hidden_at === null,
  }
}

/** Public views: members who viewed plus the approximate anonymous count. */
export function totalViews(counts: PostCounts): number {
  return counts.viewers + counts.anonymousViews
}

/** One post's entry in a `counts` frame: only public numbers, the same for every subscriber. */
export function toCountsEntry(
  set: readonly string[],
  postId: string,
  counts: PostCounts,
  poll: { row: PollRow; tally: PollTally } | undefined,
  highlighted: number | undefined,
  now: number,
) {
  const reactions = toReactionsView(set, counts.reactions, null)
  const entry: Record<string, unknown> = {
    id: postId,
    reactions: { counts: reactions.counts, total: reactions.total },
    views: totalViews(counts),
  }
  if (poll) {
    const visible = areResultsVisible(poll.row, now)
    entry.poll = { totalVoters: poll.tally.voters, votes: visible ? poll.tally.votes : null }
  }
  if (highlighted !== undefined) entry.highlightedAnswers = highlighted
  return entry
}
