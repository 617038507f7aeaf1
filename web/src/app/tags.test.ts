import { describe, expect, it } from 'vitest'
import { matchesTag, tagFilterOf, tagsOf } from './tags.js'

const post = {
  channel: 'night shoot',
  production: { weeks: { from: 11, to: 14 }, chapters: [8], location: 'Harbour', unit: 'Second unit' },
}

describe('production tags', () => {
  it('lists weeks, chapters, location and unit, each with where it leads', () => {
    expect(tagsOf(post, 'Episode')).toEqual([
      { kind: 'week', label: 'Weeks 11–14', href: '/app/c/night%20shoot/timeline#week-11' },
      { kind: 'chapter', label: 'Episode 8', href: '/app/c/night%20shoot?chapter=8' },
      { kind: 'location', label: 'Harbour', href: '/app/c/night%20shoot?location=Harbour' },
      { kind: 'unit', label: 'Second unit', href: '/app/c/night%20shoot?unit=Second+unit' },
    ])
    expect(tagsOf({ channel: 'x', production: null })).toEqual([])
    expect(
      tagsOf({
        channel: 'x',
        production: { weeks: { from: 3, to: 3 }, chapters: [], location: null, unit: null },
      })[0]?.label,
    ).toBe('Week 3')
  })

  it('filters posts by the tag in the page query', () => {
    const f = (q: string) => tagFilterOf(new URLSearchParams(q))!
    expect(matchesTag(post, f('week=12'))).toBe(true)
    expect(matchesTag(post, f('week=15'))).toBe(false)
    expect(matchesTag(post, f('chapter=8'))).toBe(true)
    expect(matchesTag(post, f('chapter=7'))).toBe(false)
    expect(matchesTag(post, f('location=harbour'))).toBe(true)
    expect(matchesTag(post, f('unit=First unit'))).toBe(false)
    expect(matchesTag({ production: null }, f('chapter=8'))).toBe(false)
    expect(tagFilterOf(new URLSearchParams('week='))).toBe(null)
  })
})
