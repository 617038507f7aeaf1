import { describe, expect, it } from 'vitest'
import { AnonymousViewFilter } from './anonymous-views.js'

const day = 86_400_000

describe('AnonymousViewFilter', () => {
  it('counts a visitor once per post per day', () => {
    const filter = new AnonymousViewFilter()
    expect(filter.firstToday('post-1', '203.0.113.7\nFirefox', 1000)).toBe(true)
    expect(filter.firstToday('post-1', '203.0.113.7\nFirefox', 2000)).toBe(false)
    expect(filter.firstToday('post-2', '203.0.113.7\nFirefox', 3000)).toBe(true)
    expect(filter.firstToday('post-1', '203.0.113.8\nFirefox', 4000)).toBe(true)
  })

  it('forgets everything when the UTC day changes', () => {
    const filter = new AnonymousViewFilter()
    expect(filter.firstToday('post-1', 'visitor', day - 1)).toBe(true)
    expect(filter.firstToday('post-1', 'visitor', day)).toBe(true)
    expect(filter.firstToday('post-1', 'visitor', day + 1)).toBe(false)
  })

  it('stays close to exact for many distinct visitors', () => {
    const filter = new AnonymousViewFilter()
    let counted = 0
    for (let i = 0; i < 100_000; i++) if (filter.firstToday('post', `visitor-${i}`, 0)) counted++
    expect(counted).toBeGreaterThan(99_900)
  })
})
