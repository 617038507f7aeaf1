import { describe, expect, it } from 'vitest'
import { channelVersion } from './version-cache.js'

describe('channelVersion', () => {
  it('derives a channel version that moves with the event log, the row and the visibility', () => {
    const channel = { last_seq: 7, updated_at: 1000, visibility: 'public' as const }
    const base = channelVersion(channel)
    expect(channelVersion({ ...channel })).toBe(base)
    expect(channelVersion({ ...channel, last_seq: 8 })).not.toBe(base)
    expect(channelVersion({ ...channel, updated_at: 1001 })).not.toBe(base)
    expect(channelVersion({ ...channel, visibility: 'unlisted' })).not.toBe(base)
  })
})
