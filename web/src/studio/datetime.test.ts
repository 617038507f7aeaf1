import { describe, expect, it } from 'vitest'
import { defaultScheduleInput, fromLocalInput, toLocalInput, utcLabel } from './datetime.js'

describe('schedule picker times', () => {
  it('round-trips a local wall time through the instant it means', () => {
    const ms = fromLocalInput('2026-12-07T15:30')
    expect(ms).not.toBeNull()
    expect(toLocalInput(ms as number)).toBe('2026-12-07T15:30')
  })

  it('refuses an incomplete value instead of guessing', () => {
    expect(fromLocalInput('2026-12-07')).toBeNull()
    expect(fromLocalInput('')).toBeNull()
  })

  it('shows the instant in UTC', () => {
    expect(utcLabel(Date.UTC(2026, 11, 7, 14, 5))).toBe('2026-12-07 14:05 UTC')
  })

  it('proposes a whole hour at least 30 minutes ahead', () => {
    const now = Date.UTC(2026, 11, 7, 14, 50)
    const at = fromLocalInput(defaultScheduleInput(now)) as number
    expect(at - now).toBeGreaterThanOrEqual(30 * 60_000)
    expect(new Date(at).getMinutes()).toBe(0)
  })
})
