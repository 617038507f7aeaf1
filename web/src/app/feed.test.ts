import { describe, expect, it } from 'vitest'
import { addPage, applyCounts, applyEvent, emptyFeed, releasePending } from './feed.js'
import type { ChannelEvent, Post } from './types.js'

function post(id: string, minute: number, extra: Partial<Post> = {}): Post {
  return {
    id,
    channel: 'c',
    author: { handle: 'a', displayName: 'A' },
    kind: 'text',
    text: id,
    links: [],
    status: 'published',
    publishedAt: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString(),
    editedAt: null,
    pinned: false,
    pinnedAt: null,
    spoiler: false,
    spoilerLabel: null,
    silent: false,
    revision: 0,
    reactions: { enabled: true, counts: [{ emoji: '🔥', count: 0 }], total: 0, mine: null },
    ...extra,
  }
}
const ev = (type: string, data: unknown): ChannelEvent => ({ id: `e-${type}`, type, at: 0, data })

describe('feed', () => {
  it('lists newest first and applies publish, edit, pin and delete in place', () => {
    let s = addPage(emptyFeed, [post('b', 2), post('a', 1)])
    s = applyEvent(s, ev('post.published', post('c', 3)), false)
    expect(s.posts.map((p) => p.id)).toEqual(['c', 'b', 'a'])
    s = applyEvent(s, ev('post.edited', post('b', 2, { text: 'edited', revision: 1 })), false)
    expect(s.posts[1]!.text).toBe('edited')
    s = applyEvent(s, ev('post.pinned', { id: 'a', pinned: true, pinnedAt: 'now' }), false)
    expect(s.posts[2]!.pinned).toBe(true)
    s = applyEvent(s, ev('post.deleted', { id: 'b' }), false)
    expect(s.posts.map((p) => p.id)).toEqual(['c', 'a'])
    // A page fetched before the delete does not bring the post back.
    s = addPage(s, [post('b', 2)])
    expect(s.posts.map((p) => p.id)).toEqual(['c', 'a'])
  })

  it('skips the tombstones a replay carries for a post deleted since (issue 14)', () => {
    let s = addPage(emptyFeed, [post('a', 1)])
    s = applyEvent(s, ev('post.published', { id: 'gone', redacted: true }), false)
    s = applyEvent(s, ev('post.pinned', { id: 'gone', redacted: true }), false)
    s = applyEvent(s, ev('poll.closed', { postId: 'gone', redacted: true }), false)
    expect(s.posts.map((p) => p.id)).toEqual(['a'])
    expect(s.pending).toEqual([])
    s = applyEvent(s, ev('post.deleted', { id: 'gone' }), false)
    expect(s.posts.map((p) => p.id)).toEqual(['a'])
  })

  it('holds new posts while the reader is scrolled down, then releases them', () => {
    let s = addPage(emptyFeed, [post('a', 1)])
    s = applyEvent(s, ev('post.published', post('b', 2)), true)
    expect(s.posts.map((p) => p.id)).toEqual(['a'])
    expect(s.pending.map((p) => p.id)).toEqual(['b'])
    s = releasePending(s)
    expect(s.posts.map((p) => p.id)).toEqual(['b', 'a'])
    expect(s.pending).toEqual([])
  })

  it('keeps the viewer’s own reaction when a public edit or counts frame arrives', () => {
    const mine = post('a', 1, {
      reactions: { enabled: true, counts: [{ emoji: '🔥', count: 1 }], total: 1, mine: '🔥' },
    })
    let s = addPage(emptyFeed, [mine])
    s = applyEvent(s, ev('post.edited', post('a', 1, { revision: 1, text: 'x' })), false)
    expect(s.posts[0]!.reactions!.mine).toBe('🔥')
    s = applyCounts(s, [{ id: 'a', reactions: { counts: [{ emoji: '🔥', count: 5 }], total: 5 }, views: 9 }])
    expect(s.posts[0]!.reactions).toMatchObject({ total: 5, mine: '🔥' })
    expect(s.posts[0]!.views).toBe(9)
  })

  it('ignores an older copy of a post and a repeated publish', () => {
    let s = addPage(emptyFeed, [post('a', 1, { revision: 2, text: 'new' })])
    s = applyEvent(s, ev('post.published', post('a', 1, { revision: 0, text: 'old' })), false)
    expect(s.posts).toHaveLength(1)
    expect(s.posts[0]!.text).toBe('new')
  })

  it('replacing the first page keeps stream posts newer than it and drops vanished ones', () => {
    let s = addPage(emptyFeed, [post('c', 3), post('b', 2), post('a', 1)])
    s = applyEvent(s, ev('post.published', post('z', 9)), false)
    s = addPage(s, [post('c', 3), post('a', 1)], true)
    expect(s.posts.map((p) => p.id)).toEqual(['z', 'c', 'a'])
  })

  it('updates poll bars from counts but leaves hidden results hidden', () => {
    const poll = {
      question: 'q',
      options: [
        { text: 'x', votes: 0 },
        { text: 'y', votes: 0 },
      ],
      multiple: false,
      quiz: false,
      resultsVisibility: 'always' as const,
      resultsVisible: true,
      totalVoters: 0,
      closesAt: null,
      closed: false,
      closedAt: null,
      myVote: [1],
      correctOption: null,
      explanation: null,
    }
    let s = addPage(emptyFeed, [post('p', 1, { kind: 'poll', poll })])
    s = applyCounts(s, [{ id: 'p', poll: { totalVoters: 3, votes: [1, 2] } }])
    expect(s.posts[0]!.poll!.options.map((o) => o.votes)).toEqual([1, 2])
    expect(s.posts[0]!.poll!.myVote).toEqual([1])
    s = applyEvent(
      s,
      ev('poll.closed', { postId: 'p', poll: { ...poll, closed: true, myVote: null } }),
      false,
    )
    expect(s.posts[0]!.poll).toMatchObject({ closed: true, myVote: [1] })
  })
})
