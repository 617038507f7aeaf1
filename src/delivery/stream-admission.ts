import { refuseRequest } from '../http/problem-error.js'
import type { Clock } from '../util/clock.js'

/**
 * How many streams this process lets open per second (issue 21 part 4). When a node dies, every
 * fan it held reconnects to the others within the clients' backoff (web/src/app/connection.ts:
 * full jitter over 0.5 s at first). Each stream that opens costs a subscribe — a channel read, a
 * history check and a replay from the event log — so an unmetered storm turns into a wall of
 * database reads and a memory spike on the survivor. A token bucket (rate per second, burst of one
 * second's worth) lets the storm in as a ramp; a stream past it is refused before any work with
 * 503 `streams-busy` and a Retry-After drawn from 1–5 s, so the refused come back spread out, not
 * together. Per process, in memory: it protects this process's event loop and its share of the
 * database, which is what a shared counter could not measure any better.
 */
export interface StreamAdmission {
  /** Takes a token (null), or says in how many seconds to retry. */
  take(): number | null
  /** Takes a token, or refuses the request (503 `streams-busy`, Retry-After). */
  admitOrRefuse(): void
  /** Streams refused so far (metrics, benchmarks). */
  readonly refused: number
}

const RETRY_AFTER_MIN_S = 1
const RETRY_AFTER_SPREAD_S = 5

export function createStreamAdmission(
  opensPerSecond: number,
  clock: Clock,
  random: () => number = Math.random,
): StreamAdmission {
  let tokens = opensPerSecond
  let updatedAt = clock.now()
  let refused = 0
  function take(): number | null {
    if (opensPerSecond === 0) return null
    const now = clock.now()
    tokens = Math.min(opensPerSecond, tokens + ((now - updatedAt) / 1000) * opensPerSecond)
    updatedAt = now
    if (tokens >= 1) {
      tokens -= 1
      return null
    }
    refused++
    return RETRY_AFTER_MIN_S + Math.floor(random() * RETRY_AFTER_SPREAD_S)
  }
  return {
    take,
    admitOrRefuse(): void {
      const retryAfterSeconds = take()
      if (retryAfterSeconds === null) return
      refuseRequest(
        'streams-busy',
        `Too many live streams are opening on this server at once; retry in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      )
    },
    get refused() {
      return refused
    },
  }
}
