import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { captureLog } from '../../test/_util/log-capture.js'
import type { Logger } from '../logger.js'
import { type JobInfo, type Queue, QueueClosedError, type RepeatRun, RetryLaterError } from './queue.js'

/**
 * The behaviour every Queue implementation must show (queue.ts). Each implementation's test file
 * calls this with a factory for a fresh, empty queue logging to `logger`; queue names are unique per
 * test so a shared backend (Redis) cannot leak jobs between tests.
 */
export function testQueueContract(label: string, makeQueue: (logger: Logger) => Promise<Queue>): void {
  describe(`Queue contract: ${label}`, () => {
    let queue: Queue
    let log: ReturnType<typeof captureLog>
    let n = 0
    const name = () => `contract-${process.pid}-${Date.now()}-${++n}`

    beforeEach(async () => {
      log = captureLog('debug')
      queue = await makeQueue(log.logger)
    })
    afterEach(async () => {
      await queue.close()
    })

    it('runs a job with a JSON copy of its data and tells the handler about the job', async () => {
      const q = name()
      const seen: Array<{ data: unknown; job: JobInfo }> = []
      queue.process(q, async (data, job) => {
        seen.push({ data, job })
      })
      const data = { post: 'p1', at: new Date(0), nested: { list: [1, 2] } }
      const { id, added } = await queue.add(q, data, { jobId: 'job-1' })
      expect({ id, added }).toEqual({ id: 'job-1', added: true })
      await waitFor(() => seen.length === 1)
      expect(seen[0]!.data).toEqual({ post: 'p1', at: '1970-01-01T00:00:00.000Z', nested: { list: [1, 2] } })
      expect(seen[0]!.job).toEqual({ id: 'job-1', name: q, attempt: 1, attempts: 1 })
    })

    it('keeps jobs added before a handler exists until one is registered', async () => {
      const q = name()
      await queue.add(q, { n: 1 })
      await queue.add(q, { n: 2 })
      const seen: number[] = []
      queue.process<{ n: number }>(q, async (data) => {
        seen.push(data.n)
      })
      await waitFor(() => seen.length === 2)
      expect(seen.sort()).toEqual([1, 2])
    })

    it('ignores a job whose id is already pending, and runs jobs with other ids', async () => {
      const q = name()
      await queue.add(q, { n: 1 }, { jobId: 'same', delay: 100 })
      expect((await queue.add(q, { n: 2 }, { jobId: 'same' })).added).toBe(false)
      await queue.add(q, { n: 3 }, { jobId: 'other' })
      const seen: number[] = []
      queue.process<{ n: number }>(q, async (data) => {
        seen.push(data.n)
      })
      await waitFor(() => seen.length === 2)
      await sleep(50)
      expect(seen.sort()).toEqual([1, 3])
    })

    it('waits the given delay before the first attempt', async () => {
      const q = name()
      const ranAt: number[] = []
      queue.process(q, async () => {
        ranAt.push(Date.now())
      })
      const addedAt = Date.now()
      await queue.add(q, {}, { delay: 150 })
      await sleep(20)
      expect(ranAt).toEqual([])
      await waitFor(() => ranAt.length === 1)
      expect(ranAt[0]! - addedAt).toBeGreaterThanOrEqual(140)
    })

    it('retries a failing handler with backoff until it succeeds', async () => {
      const q = name()
      const attempts: number[] = []
      queue.process(q, async (_data, job) => {
        attempts.push(job.attempt)
        if (job.attempt < 3) throw new Error('transient')
      })
      await queue.add(q, {}, { attempts: 5, backoff: { type: 'fixed', delay: 10 } })
      await waitFor(() => attempts.length === 3)
      await sleep(50)
      expect(attempts).toEqual([1, 2, 3])
    })

    it('gives up after the last attempt', async () => {
      const q = name()
      const attempts: JobInfo[] = []
      queue.process(q, async (_data, job) => {
        attempts.push(job)
        throw new Error('always')
      })
      await queue.add(q, {}, { attempts: 3, backoff: { type: 'exponential', delay: 5 } })
      await waitFor(() => attempts.length === 3)
      await sleep(100)
      expect(attempts.map((j) => [j.attempt, j.attempts])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ])
    })

    it('keeps deduplicating a job while it waits for a retry', async () => {
      const q = name()
      let runs = 0
      queue.process(q, async () => {
        runs++
        if (runs === 1) throw new RetryLaterError(150)
      })
      await queue.add(q, {}, { jobId: 'retrying', attempts: 2 })
      await waitFor(() => runs === 1)
      expect((await queue.add(q, {}, { jobId: 'retrying' })).added).toBe(false)
      await waitFor(() => runs === 2)
      await sleep(50)
      expect(runs).toBe(2)
    })

    it('waits at least RetryLaterError.delayMs before the retry', async () => {
      const q = name()
      const ranAt: number[] = []
      queue.process(q, async () => {
        ranAt.push(Date.now())
        if (ranAt.length === 1) throw new RetryLaterError(200)
      })
      await queue.add(q, {}, { attempts: 2, backoff: { type: 'fixed', delay: 1 } })
      await waitFor(() => ranAt.length === 2)
      expect(ranAt[1]! - ranAt[0]!).toBeGreaterThanOrEqual(190)
    })

    it('runs at most `concurrency` jobs of one name at once', async () => {
      const q = name()
      let running = 0
      let most = 0
      let done = 0
      queue.process(
        q,
        async () => {
          running++
          most = Math.max(most, running)
          await sleep(20)
          running--
          done++
        },
        { concurrency: 3 },
      )
      for (let i = 0; i < 10; i++) await queue.add(q, { i })
      await waitFor(() => done === 10)
      expect(most).toBe(3)
    })

    it('close() waits for running handlers, then starts nothing and refuses new jobs', async () => {
      const q = name()
      let started = 0
      let finished = 0
      queue.process(q, async () => {
        started++
        await sleep(100)
        finished++
      })
      await queue.add(q, { first: true })
      await waitFor(() => started === 1)
      await queue.add(q, { second: true }, { delay: 50 })
      await queue.close()
      expect(finished).toBe(1)
      await sleep(100)
      expect(started).toBe(1)
      await expect(queue.add(q, {})).rejects.toBeInstanceOf(QueueClosedError)
    })

    describe('repeated jobs', () => {
      it('runs a repeated job at once, then again every interval, each run told when it was due', async () => {
        const q = name()
        const runs: RepeatRun[] = []
        await queue.repeat(q, { everyMs: 50 }, async (run) => {
          runs.push(run)
        })
        await waitFor(() => runs.length === 3)
        expect(runs.map((r) => r.name)).toEqual([q, q, q])
        const dueTimes = runs.map((r) => r.dueAt)
        expect(dueTimes[0]! < dueTimes[1]! && dueTimes[1]! < dueTimes[2]!).toBe(true)
        await waitFor(() => log.lines().filter((l) => l.msg === 'periodic job ran').length >= 3)
        expect(log.lines().find((l) => l.msg === 'periodic job ran')).toMatchObject({
          job: q,
          dueAt: dueTimes[0],
        })
      })

      it('logs a failed run at error and keeps the schedule', async () => {
        const q = name()
        let runs = 0
        await queue.repeat(q, { everyMs: 50 }, async () => {
          runs++
          if (runs === 1) throw new Error('the database is away')
        })
        await waitFor(() => runs === 3)
        const failures = log
          .lines()
          .filter((l) => l.msg === 'periodic job failed; it runs again next interval')
        expect(failures).toHaveLength(1)
        expect(failures[0]).toMatchObject({ level: 50, job: q, err: { message: 'the database is away' } })
      })

      it('never runs two rounds of one job at once on a node, even when a round outlasts the interval', async () => {
        const q = name()
        let running = 0
        let most = 0
        let done = 0
        await queue.repeat(q, { everyMs: 20 }, async () => {
          running++
          most = Math.max(most, running)
          await sleep(70)
          running--
          done++
        })
        await waitFor(() => done === 3)
        expect(most).toBe(1)
      })

      it('close() waits for a running round and starts no more', async () => {
        const q = name()
        let started = 0
        let finished = 0
        await queue.repeat(q, { everyMs: 50 }, async () => {
          started++
          await sleep(100)
          finished++
        })
        await waitFor(() => started === 1)
        await queue.close()
        expect(finished).toBe(1)
        await sleep(150)
        expect(started).toBe(1)
      })

      it('refuses a second handler for a repeated job, and a repeated job on a closed queue', async () => {
        const q = name()
        await queue.repeat(q, { everyMs: 60_000 }, async () => {})
        await expect(queue.repeat(q, { everyMs: 60_000 }, async () => {})).rejects.toThrow(
          /already has a handler/,
        )
        expect(() => queue.process(q, async () => {})).toThrow(/already has a handler/)
        await queue.close()
        await expect(queue.repeat(name(), { everyMs: 60_000 }, async () => {})).rejects.toBeInstanceOf(
          QueueClosedError,
        )
      })
    })
  })
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `condition` until it holds (the test's own timeout bounds the wait). */
export async function waitFor(condition: () => boolean, intervalMs = 5): Promise<void> {
  while (!condition()) await sleep(intervalMs)
}
