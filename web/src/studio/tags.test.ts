import { describe, expect, it } from 'vitest'
import { emptyTags, tagsBody, tagsSummary, toTagsDraft } from './tags.js'

describe('production tags in the composer', () => {
  it('sends nothing when nothing is tagged', () => {
    expect(tagsBody(emptyTags)).toBeNull()
  })

  it('sends a week range, sorted chapters and trimmed text', () => {
    expect(
      tagsBody({ weekFrom: '11', weekTo: '14', chapters: [8, 2], location: ' Glasgow ', unit: '' }),
    ).toEqual({ weeks: { from: 11, to: 14 }, chapters: [2, 8], location: 'Glasgow' })
  })

  it('reads one week as a single-week tag and back', () => {
    const draft = toTagsDraft({ weeks: { from: 3, to: 3 }, chapters: [], location: null, unit: 'B' })
    expect(draft.weekTo).toBe('')
    expect(tagsBody(draft)).toEqual({ weeks: { from: 3 }, unit: 'B' })
  })

  it('summarises tags with the chapter names of the production', () => {
    const production = {
      kind: 'series' as const,
      title: 'Harbour',
      season: 2,
      chapterLabel: 'Chapter',
      chapters: [{ number: 1, title: null, airDate: null }],
      filmingStartsOn: null,
      filmingWeeks: 14,
      autoLiftSpoilers: false,
    }
    expect(
      tagsSummary({ weeks: { from: 11, to: 14 }, chapters: [1], location: 'Pier', unit: null }, production),
    ).toBe('Weeks 11–14 · Chapter 1 · Pier')
  })
})
