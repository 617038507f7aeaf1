import { describe, expect, it } from 'vitest'
import { connectionCapacity, readOpenFileLimit } from './capacity.js'

const limits = (soft: string) =>
  [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max processes             63431                63431                processes ',
    `Max open files            ${soft.padEnd(21)}524288               files     `,
    'Max locked memory         8388608              8388608              bytes     ',
  ].join('\n')

describe('readOpenFileLimit', () => {
  it('reads the soft limit of open files', () => {
    expect(readOpenFileLimit(() => limits('1024'))).toBe(1024)
  })

  it('is null when unlimited or unreadable (not Linux)', () => {
    expect(readOpenFileLimit(() => limits('unlimited'))).toBeNull()
    expect(
      readOpenFileLimit(() => {
        throw new Error('ENOENT')
      }),
    ).toBeNull()
  })

  it('reads this process’s own limit on Linux', () => {
    if (process.platform !== 'linux') return
    expect(readOpenFileLimit()).toBeGreaterThan(0)
  })
})

describe('connectionCapacity', () => {
  it('leaves BACKLOT_FD_RESERVE descriptors free of connections', () => {
    expect(connectionCapacity({ maxConnections: 'auto', fdReserve: 256 }, 20_000).connections).toBe(19_744)
    expect(connectionCapacity({ maxConnections: 'auto', fdReserve: 256 }, 1024)).toEqual({
      connections: 768,
      openFileLimit: 1024,
    })
  })

  it('gives connections half of a limit too small for the reserve, with a warning', () => {
    const capacity = connectionCapacity({ maxConnections: 'auto', fdReserve: 256 }, 300)
    expect(capacity.connections).toBe(150)
    expect(capacity.warning).toMatch(/open-file limit \(300\)/)
  })

  it('honours BACKLOT_MAX_CONNECTIONS below the limit, and caps it at what fits', () => {
    expect(connectionCapacity({ maxConnections: 50, fdReserve: 256 }, 1024).connections).toBe(50)
    expect(connectionCapacity({ maxConnections: 5000, fdReserve: 256 }, 1024).connections).toBe(768)
  })

  it('has no cap without a readable limit unless one is configured', () => {
    expect(connectionCapacity({ maxConnections: 'auto', fdReserve: 256 }, null).connections).toBeNull()
    expect(connectionCapacity({ maxConnections: 50, fdReserve: 256 }, null).connections).toBe(50)
  })
})
