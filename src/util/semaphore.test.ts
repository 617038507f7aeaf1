import { describe, expect, it } from 'vitest'
import { createSemaphore } from './semaphore.js'

describe('createSemaphore', () => {
  it('runs at most `limit` tasks at once, in arrival order, and survives failures', async () => {
    const slots = createSemaphore(2)
    let active = 0
    let peak = 0
    const order: number[] = []
    const task = (n: number) => async () => {
      active += 1
      peak = Math.max(peak, active)
      await new Promise((r) => setTimeout(r, 5))
      order.push(n)
      active -= 1
      if (n === 2) throw new Error('boom')
      return n
    }
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => slots.run(task(n))))
    expect(peak).toBe(2)
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ])
    expect(order.slice(0, 2).sort()).toEqual([1, 2])
    expect(slots.pending).toBe(0)
  })
})
