import { afterEach, describe, expect, it, vi } from 'vitest'
import { runChannel } from './channels.js'
import { parseOrRefuse } from './refusal.js'
import { runReports } from './reports.js'
import { runUserAdmin } from './user-admin.js'
import { runUser } from './users.js'

describe('parseOrRefuse: the commands’ flags', () => {
  const stderr = vi.spyOn(console, 'error').mockImplementation(() => {})
  afterEach(() => stderr.mockClear())

  it('returns the flags, typed, with their defaults', () => {
    const values = parseOrRefuse(['--slug', 'night-shoot', '--json'], {
      slug: { type: 'string' },
      json: { type: 'boolean' },
      now: { type: 'boolean', default: false },
    })
    expect(values).toEqual({ slug: 'night-shoot', json: true, now: false })
    expect(stderr).not.toHaveBeenCalled()
  })

  it('refuses an unknown flag or a missing value with one line and no values', () => {
    expect(parseOrRefuse(['--sulg', 'x'], { slug: { type: 'string' } })).toBeUndefined()
    expect(parseOrRefuse(['--slug'], { slug: { type: 'string' } })).toBeUndefined()
    expect(stderr).toHaveBeenCalledTimes(2)
    for (const [line] of stderr.mock.calls) expect(String(line)).toMatch(/^backlot: .*'--s(lug|ulg)/)
  })

  // Refused before any database is opened: no configuration is needed for these.
  it.each([
    ['channel suspend', () => runChannel(['suspend', '--slugg', 'x'])],
    ['reports', () => runReports(['--stat', 'open'])],
    ['user create', () => runUser(['create', '--handel', 'ana'])],
    ['user logout', () => runUser(['logout', '--handel', 'ana'])],
    ['user suspend', () => runUserAdmin('suspend', ['--handel', 'ana'])],
  ])('%s refuses an unknown flag with exit code 1 and one line', async (_, run) => {
    expect(await run()).toBe(1)
    expect(stderr).toHaveBeenCalledTimes(1)
    expect(String(stderr.mock.calls[0]![0])).toMatch(/^backlot: Unknown option '--/)
  })
})
