import type { Db } from '../db/database.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import { duePolls, nextPollDeadline } from './poll-store.js'

/**
 * Closes polls whose time has come, on every node (STYLE rule 10: a bounded loop that logs its
 * failures, never a floating promise). On start it closes every poll whose time passed while the
 * server was down; then it sleeps until the next deadline it knows of, at most `maxSleepMs` so
 * polls created on other nodes are seen too. Closing is idempotent (see PollService.close), so
 * several nodes sweeping at once still log one `poll.closed` per poll.
 */
export interface PollCloserDeps {
  db: Db
  clock: Clock
  logger: Logger
  close(postId: string): Promise<boolean>
  maxSleepMs?: number
}

const BATCH = 100

export interface PollCloser {
  /** Closes what came due while the server was down, then keeps watching. */
  start(): Promise<void>
  /** A poll on this node closes at `closesAt`: wake up then if that is sooner than planned. */
  wakeAt(closesAt: number): void
  /** Closes every poll due now; a failing poll is logged and retried next sweep. Returns how many closed. */
  sweep(): Promise<number>
  /** Stops the timer and waits for a running sweep. */
  stop(): Promise<void>
}

export function createPollCloser(deps: PollCloserDeps): PollCloser {
  const { db, clock, logger, close } = deps
  const maxSleepMs = deps.maxSleepMs ?? 5_000
  let timer: NodeJS.Timeout | undefined
  /** Real time (Date.now) the timer fires at. */
  let plannedAt = Number.POSITIVE_INFINITY
  let running: Promise<void> | undefined
  let isStopped = false

  async function sweep(): Promise<number> {
    let closed = 0
    for (;;) {
      const due = await duePolls(db, clock.now(), BATCH)
      for (const poll of due) {
        try {
          if (await close(poll.post_id)) closed++
        } catch (error) {
          logger.error({ err: error, postId: poll.post_id }, 'closing a poll failed')
          return closed
        }
      }
      if (due.length < BATCH || isStopped) return closed
    }
  }

  function schedule(delayMs: number): void {
    if (isStopped) return
    clearTimeout(timer)
    const delay = Math.max(0, Math.min(delayMs, maxSleepMs))
    plannedAt = Date.now() + delay
    timer = setTimeout(tick, delay)
    timer.unref()
  }

  function tick(): void {
    timer = undefined
    plannedAt = Number.POSITIVE_INFINITY
    if (running || isStopped) return
    running = (async () => {
      try {
        await sweep()
        const next = await nextPollDeadline(db)
        schedule(next === null ? maxSleepMs : next - clock.now())
      } catch (error) {
        logger.warn({ err: error }, 'poll sweep failed; retrying')
        schedule(maxSleepMs)
      } finally {
        running = undefined
      }
    })()
  }

  return {
    async start(): Promise<void> {
      await sweep()
      const next = await nextPollDeadline(db)
      schedule(next === null ? maxSleepMs : next - clock.now())
    },
    wakeAt(closesAt: number): void {
      if (running || isStopped) return
      const delay = closesAt - clock.now() + 1
      if (Date.now() + delay < plannedAt) schedule(delay)
    },
    sweep,
    async stop(): Promise<void> {
      isStopped = true
      clearTimeout(timer)
      await running
    },
  }
}
