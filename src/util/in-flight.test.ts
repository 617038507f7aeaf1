import { describe, expect, it } from 'vitest'
import { InFlight } from './in-flight.js'

describe('InFlight', () => {
  it('shares one read among callers that arrive while it runs, then forgets it', async () => {
    const shared = new InFlight<number>()
    let reads = 0
    let finish: (n: number) => void = () => {}
    const read = () => {
      reads++
      return new Promise<number>((resolve) => {
        finish = resolve
      })
    }
    const first = shared.run('k', read)
    const second = shared.run('k', read)
    const other = shared.run('other', async () => 7)
    expect(reads).toBe(1)
    finish(42)
    expect(await Promise.all([first, second, other])).toEqual([42, 42, 7])
    expect(shared.size).toBe(0)
    await shared.run('k', async () => 1)
    expect(await shared.run('k', async () => 2)).toBe(2) // settled reads are not kept
  })

  it('hands a failure to every caller that shared it, and the next caller reads again', async () => {
    const shared = new InFlight<number>()
    const failing = () => Promise.reject(new Error('down'))
    await expect(Promise.all([shared.run('k', failing), shared.run('k', failing)])).rejects.toThrow('down')
    expect(await shared.run('k', async () => 3)).toBe(3)
  })
})
