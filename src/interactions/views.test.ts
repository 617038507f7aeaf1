import { describe, expect, it } from 'vitest'
import type { PollRow } from '../db/schema.js'
import { choicesToOptions, optionsToChoices, toPollView, toReactionsView } from './views.js'

const poll = (over: Partial<PollRow> = {}): PollRow => ({
  post_id: 'p',
  question: 'Which set?',
  options: JSON.stringify(['Rooftop', 'Harbour', 'Forest']),
  multiple: 0,
  quiz_correct: null,
  quiz_explanation: null,
  results_visibility: 'always',
  closes_at: null,
  closed_at: null,
  ...over,
})
const tally = { voters: 3, votes: [2, 1, 0] }

describe('poll presenter', () => {
  it('maps ballots to bit masks and back', () => {
    expect(optionsToChoices([0, 2, 11])).toBe(0b1000_0000_0101)
    expect(choicesToOptions(0b1000_0000_0101)).toEqual([0, 2, 11])
  })

  it('hides per-option counts of an after-close poll until it closes, by time or by closing', () => {
    const hidden = toPollView(poll({ results_visibility: 'after-close', closes_at: 5000 }), tally, null, 4999)
    expect(hidden.options.map((o) => o.votes)).toEqual([null, null, null])
    expect(hidden).toMatchObject({ resultsVisible: false, totalVoters: 3, closed: false })
    const byTime = toPollView(poll({ results_visibility: 'after-close', closes_at: 5000 }), tally, null, 5000)
    expect(byTime).toMatchObject({
      closed: true,
      resultsVisible: true,
      closedAt: new Date(5000).toISOString(),
    })
    expect(byTime.options.map((o) => o.votes)).toEqual([2, 1, 0])
  })

  it("reveals a quiz's answer only to those who voted, or to all once closed", () => {
    const quiz = poll({ quiz_correct: 1, quiz_explanation: 'Shot first.' })
    expect(toPollView(quiz, tally, null, 0)).toMatchObject({ correctOption: null, explanation: null })
    expect(toPollView(quiz, tally, optionsToChoices([0]), 0)).toMatchObject({ correctOption: 1, myVote: [0] })
    expect(toPollView({ ...quiz, closed_at: 10 }, tally, null, 20)).toMatchObject({ correctOption: 1 })
  })
})

describe('reactions presenter', () => {
  it('lists the set in order with zeros and ignores emoji outside it', () => {
    const view = toReactionsView(
      ['🎬', '🔥'],
      new Map([
        ['🔥', 2],
        ['❤️', 5],
      ]),
      '❤️',
    )
    expect(view).toEqual({
      enabled: true,
      counts: [
        { emoji: '🎬', count: 0 },
        { emoji: '🔥', count: 2 },
      ],
      total: 2,
      mine: null,
    })
  })
})
