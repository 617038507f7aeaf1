import { describe, expect, it } from 'vitest'
import { anchorChange, type PostgresAnchor } from './pg-anchor.js'

const anchor: PostgresAnchor = {
  table: 16500,
  database: 16386,
  system: '7716530258694039698',
  timeline: '00000001',
}

describe('anchorChange: what a PostgreSQL restore changes', () => {
  it('nothing on a restart', () => {
    expect(anchorChange({ ...anchor }, anchor)).toBeNull()
  })

  it('tables recreated by pg_restore or psql', () => {
    expect(anchorChange(anchor, { ...anchor, table: 17001 })).toMatchObject({ reason: 'tables-recreated' })
  })

  it('a dump loaded into another database', () => {
    expect(anchorChange(anchor, { ...anchor, database: 20000, table: 20100 })).toMatchObject({
      reason: 'database-changed',
    })
  })

  it('point-in-time recovery or failover: a new timeline, same oids', () => {
    expect(anchorChange(anchor, { ...anchor, timeline: '00000002' })).toMatchObject({
      reason: 'timeline-changed',
      detail: expect.stringContaining('00000001 to 00000002'),
    })
  })

  it('another cluster', () => {
    expect(anchorChange(anchor, { ...anchor, system: '7716530258694039699' })).toMatchObject({
      reason: 'cluster-changed',
    })
  })

  it('compares only what both sides know (functions revoked on a managed service)', () => {
    const unreadable = { ...anchor, system: null, timeline: null }
    expect(anchorChange(anchor, unreadable)).toBeNull()
    expect(anchorChange(unreadable, { ...anchor, timeline: '00000009' })).toBeNull()
    expect(anchorChange(unreadable, { ...unreadable, table: 1 })).toMatchObject({
      reason: 'tables-recreated',
    })
  })
})
