import { Temporal } from '@js-temporal/polyfill'
import { describe, expect, it } from 'vitest'
import { eventually } from '../../../test/_util/fedify.js'
import { InProcessQueue } from '../../queue/in-process-queue.js'
import { isGuardedFetchActive } from './guarded-fetch.js'
import { SeamMessageQueue } from './message-queue.js'

/** Fedify's MessageQueue contract on the Queue seam (issue 18 part 2); durability is delivery.test.ts's. */
describe('SeamMessageQueue on the in-process queue', () => {
  it('delivers messages as JSON, honours a delay, enqueues many, and stops listening on abort', async () => {
    const queue = new InProcessQueue()
    const mq = new SeamMessageQueue(queue, 'federation.test', { concurrency: 2 })
    const got: { message: unknown; at: number }[] = []
    const stop = new AbortController()
    const listening = mq.listen(
      async (message) => {
        got.push({ message, at: Date.now() })
      },
      { signal: stop.signal },
    )
    const start = Date.now()
    await mq.enqueue({ n: 1, when: new Date(0) }, { delay: Temporal.Duration.from({ milliseconds: 300 }) })
    await mq.enqueueMany([{ n: 2 }, { n: 3 }])
    await eventually(() => got.length === 3)
    expect(got.slice(0, 2).map((g) => g.message)).toEqual(expect.arrayContaining([{ n: 2 }, { n: 3 }]))
    // The delayed one came last, after its delay, as JSON (a Date arrives as its string).
    expect(got[2]!.message).toEqual({ n: 1, when: '1970-01-01T00:00:00.000Z' })
    expect(got[2]!.at - start).toBeGreaterThanOrEqual(280)
    expect(() => mq.listen(async () => {})).toThrow(/already listening/)
    stop.abort()
    await listening
    await queue.close()
  })

  it('runs each message inside the wrap (the guarded-fetch scope)', async () => {
    const queue = new InProcessQueue()
    const { withGuardedFetch } = await import('./guarded-fetch.js')
    const scope = { outbound: {} as never, userAgent: 'x' }
    const mq = new SeamMessageQueue(queue, 'federation.wrapped', {
      concurrency: 1,
      wrap: (work) => withGuardedFetch(scope, work),
    })
    const seen: boolean[] = []
    void mq.listen(async () => {
      seen.push(isGuardedFetchActive())
    })
    await mq.enqueue({})
    await eventually(() => seen.length === 1)
    expect(seen).toEqual([true])
    expect(isGuardedFetchActive()).toBe(false)
    await queue.close()
  })
})
