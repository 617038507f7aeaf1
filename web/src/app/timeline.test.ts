import { describe, expect, it } from 'vitest'
import { timelineSummary } from './timeline.js'

const week = (n: number | null) => ({ week: n })

describe('timeline summary', () => {
  it('reads the weeks filmed and the last chapter reached', () => {
    const lastChapter = {
      number: 8,
      of: 8,
      name: 'Chapter 8',
      isLast: true,
      label: 'Chapter 8 of 8 — the last chapter',
    }
    expect(timelineSummary({ weeks: [week(1), week(2), week(14)] as never, lastChapter })).toBe(
      'Weeks 1–14, Chapter 8 of 8 — the last chapter',
    )
    expect(timelineSummary({ weeks: [week(3)] as never, lastChapter: null })).toBe('Week 3')
    expect(timelineSummary({ weeks: [week(null)] as never, lastChapter: null })).toBe('')
  })
})
