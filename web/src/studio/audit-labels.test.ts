import { describe, expect, it } from 'vitest'
import { actionLabel, detailsLabel } from './audit-labels.js'

const entry = (action: string, details: Record<string, unknown>) => ({
  id: '1',
  actorHandle: 'ana',
  action,
  targetHandle: 'bo',
  targetPostId: null,
  details,
  createdAt: '2026-12-07T15:00:00.000Z',
})

describe('audit log wording', () => {
  it('reads actions as phrases and keeps unknown ones as they are', () => {
    expect(actionLabel('role.granted')).toBe('gave a role to')
    expect(actionLabel('review.approved')).toBe('review.approved')
  })

  it('says which role and why', () => {
    expect(
      detailsLabel(entry('role.granted', { oldRole: null, newRole: 'creator', addedAsMember: true })),
    ).toBe('as creator · added as a member')
    expect(detailsLabel(entry('member.banned', { reason: 'spam', role: null }))).toBe('reason: “spam”')
  })

  it('names the changed settings', () => {
    expect(detailsLabel(entry('channel.updated', { changes: { title: {}, description: {} } }))).toBe(
      'changed title, description',
    )
  })
})
