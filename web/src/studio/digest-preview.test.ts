import { describe, expect, it } from 'vitest'
import { digestCandidates } from './digest-preview.js'

const post = (id: string, day: number) => ({
  id,
  url: `/c/x/p/${id}`,
  title: id,
  publishedAt: new Date(Date.UTC(2026, 0, day)).toISOString(),
  isSpoiler: false,
})

describe('digest preview from the timeline', () => {
  const weeks = [
    { week: 10, label: 'Week 10', postCount: 1, posts: [post('a', 1)] },
    { week: 11, label: 'Week 11', postCount: 2, posts: [post('c', 3), post('b', 2)] },
    { week: 12, label: 'Week 12', postCount: 1, posts: [post('b', 2)] },
    { week: 14, label: 'Week 14', postCount: 9, posts: [post('d', 9)] },
    { week: null, label: 'Week of 2026-03-02', postCount: 1, posts: [post('e', 60)] },
  ]

  it('lists each post of the range once, oldest first', () => {
    expect(digestCandidates(weeks, 11, 12).posts.map((p) => p.id)).toEqual(['b', 'c'])
    expect(digestCandidates(weeks, 11, 12).hasMore).toBe(false)
  })

  it('says when a week holds more posts than the timeline lists', () => {
    const c = digestCandidates(weeks, 11, 14)
    expect(c.posts.map((p) => p.id)).toEqual(['b', 'c', 'd'])
    expect(c.hasMore).toBe(true)
  })
})
