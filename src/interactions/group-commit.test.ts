import { describe, expect, it } from 'vitest'
import { createLogger } from '../logger.js'
import { createGroupCommit } from './group-commit.js'

/** The batching itself (the writers over real databases: reaction-writer.test.ts and the integration tests). */
describe('group commit', () => {
  const logger = createLogger('silent')

  it('writes what arrives within the window as one batch, and splits at the batch limit', async () => {
    const batches: number[][] = []
    const commit = createGroupCommit<number, number>(
      { windowMs: 20, maxBatch: 3 },
      async (items) => {
        batches.push(items)
        return items.map((i) => ({ ok: true, value: i * 10 }))
      },
      async () => {
        throw new Error('not used')
      },
      logger,
    )
    const first = commit.submit(1)
    await new Promise((r) => setTimeout(r, 5))
    const rest = [2, 3, 4, 5].map((i) => commit.submit(i))
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50])
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ])
  })

  it('refuses only the item whose outcome is an error, and retries each alone when the batch fails', async () => {
    const alone: number[] = []
    const commit = createGroupCommit<number, string>(
      { windowMs: 1, maxBatch: 10 },
      async (items) => {
        if (items.includes(13)) throw new Error('statement failed')
        return items.map((i) =>
          i % 2 ? { ok: true, value: `ok ${i}` } : { ok: false, error: new Error(`no ${i}`) },
        )
      },
      async (item) => {
        alone.push(item)
        if (item === 13) throw new Error('bad row')
        return `alone ${item}`
      },
      logger,
    )
    const mixed = await Promise.allSettled([commit.submit(1), commit.submit(2)])
    expect(mixed.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'ok 1',
      'no 2',
    ])
    const failing = await Promise.allSettled([commit.submit(11), commit.submit(13)])
    expect(failing.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'alone 11',
      'bad row',
    ])
    expect(alone).toEqual([11, 13])
  })
})
