import { describe, expect, it } from 'vitest'
import { sqliteReplacement } from './sqlite-guard.js'

const file = '/data/backlot.db'

describe('sqliteReplacement: is this the database the server last ran on?', () => {
  it('yes when the database and the sidecar name the same token', () => {
    expect(sqliteReplacement({ stored: 'a', backupTakenAt: undefined, sidecar: 'a', file })).toBeNull()
  })

  it('nothing to compare on the first start of a database (neither mark yet)', () => {
    expect(sqliteReplacement({ stored: undefined, backupTakenAt: undefined, sidecar: null, file })).toBeNull()
  })

  it('a backlot backup copy is a restore even when the tokens match (taken, then the server crashed)', () => {
    expect(
      sqliteReplacement({ stored: 'a', backupTakenAt: '2025-01-14T09:30:00.000Z', sidecar: 'a', file }),
    ).toMatchObject({
      reason: 'backup-restored',
      detail: expect.stringContaining('2025-01-14T09:30:00.000Z'),
    })
  })

  it('an older copy put back carries another token', () => {
    expect(
      sqliteReplacement({ stored: 'old', backupTakenAt: undefined, sidecar: 'new', file }),
    ).toMatchObject({
      reason: 'database-replaced',
    })
  })

  it('a database from before this check, put back where one ran with it, has no token but a sidecar', () => {
    expect(
      sqliteReplacement({ stored: undefined, backupTakenAt: undefined, sidecar: 'new', file }),
    ).toMatchObject({
      reason: 'database-replaced',
    })
  })

  it('a database that ran elsewhere (moved or restored into a new folder) has a token but no sidecar', () => {
    expect(sqliteReplacement({ stored: 'a', backupTakenAt: undefined, sidecar: null, file })).toMatchObject({
      reason: 'sidecar-missing',
      detail: expect.stringContaining('/data/backlot.db.incarnation'),
    })
  })

  it('an unreadable sidecar does not match', () => {
    expect(sqliteReplacement({ stored: 'a', backupTakenAt: undefined, sidecar: '', file })).toMatchObject({
      reason: 'database-replaced',
    })
  })
})
