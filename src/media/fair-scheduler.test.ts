import { describe, expect, it } from 'vitest'
import { createFairScheduler } from './fair-scheduler.js'

/** A task that records when it starts and finishes only when `finish()` is called. */
function controlled(name: string, started: string[]) {
  let finish!: () => void
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  return {
    task: async () => {
      started.push(name)
      await done
      return name
    },
    finish: () => finish(),
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('createFairScheduler', () => {
  it('runs at most `limit` tasks at once and survives failures', async () => {
    const slots = createFairScheduler(2)
    let active = 0
    let peak = 0
    const task = (n: number) => async () => {
      active += 1
      peak = Math.max(peak, active)
      await new Promise((r) => setTimeout(r, 5))
      active -= 1
      if (n === 2) throw new Error('boom')
      return n
    }
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => slots.run('a', task(n))))
    expect(peak).toBe(2)
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ])
    expect(slots.pending).toBe(0)
  })

  it("processes account B's single upload before account A's tenth queued one (issue 14)", async () => {
    const slots = createFairScheduler(1)
    const started: string[] = []
    const a = Array.from({ length: 10 }, (_, i) => controlled(`A${i + 1}`, started))
    const b = controlled('B1', started)
    const runs = a.map((t) => slots.run('account-a', t.task))
    runs.push(slots.run('account-b', b.task))
    await tick()
    expect(started).toEqual(['A1'])
    expect(slots.pending).toBe(11)
    a[0]!.finish()
    await tick()
    // The freed slot goes to B, whose turn it is, not to A's second upload.
    expect(started).toEqual(['A1', 'B1'])
    b.finish()
    for (const t of a.slice(1)) t.finish()
    await Promise.all(runs)
    // Each account's own uploads still run in the order they arrived.
    expect(started).toEqual(['A1', 'B1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'])
    expect(slots.pending).toBe(0)
  })

  it('serves three accounts with queues in turn', async () => {
    const slots = createFairScheduler(1)
    const started: string[] = []
    const tasks = ['A1', 'A2', 'A3', 'B1', 'B2', 'C1'].map((name) => ({
      key: name[0]!,
      ...controlled(name, started),
    }))
    const runs = tasks.map((t) => slots.run(t.key, t.task))
    for (const t of tasks) {
      await tick()
      t.finish()
    }
    await Promise.all(runs)
    // A1 started at once; then the turns go B, C, A, B, A.
    expect(started).toEqual(['A1', 'B1', 'C1', 'A2', 'B2', 'A3'])
  })
})
