import { type IpcPort, isTagged, trySend } from '../ipc/ipc-port.js'
import type { Logger } from '../logger.js'
import type { RateDecision, RateLimiter } from './rate-limiter.js'

interface RateRequest {
  backlot: 'rate'
  id: number
  op: 'hit' | 'count' | 'reset'
  key: string
  limit: number
  windowMs: number
}

interface RateReply {
  backlot: 'rate-reply'
  id: number
  result: (RateDecision & { count?: number }) | null
}

const TIMEOUT_MS = 2000

/**
 * The RateLimiter of a `serve --workers N` worker without Redis: asks the cluster primary, which
 * keeps one in-memory limiter for all workers (`serveRateLimits`), so a limit holds however the
 * kernel spreads connections over the workers. If the primary does not answer in time the limiter
 * fails open, like the Redis one.
 */
export class IpcRateLimiter implements RateLimiter {
  readonly #pending = new Map<number, (result: RateReply['result']) => void>()
  readonly #onMessage = (raw: unknown): void => {
    if (!isTagged<RateReply>(raw, 'rate-reply')) return
    const resolve = this.#pending.get(raw.id)
    this.#pending.delete(raw.id)
    resolve?.(raw.result)
  }
  #nextId = 1
  #lastLogged = 0

  constructor(
    private readonly port: IpcPort,
    private readonly logger: Logger,
  ) {
    port.on('message', this.#onMessage)
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const result = await this.#ask('hit', key, limit, windowMs)
    return result
      ? { allowed: result.allowed, retryAfterMs: result.retryAfterMs }
      : { allowed: true, retryAfterMs: 0 }
  }

  async count(key: string, windowMs: number): Promise<RateDecision & { count: number }> {
    const result = await this.#ask('count', key, 0, windowMs)
    return { allowed: true, retryAfterMs: result?.retryAfterMs ?? windowMs, count: result?.count ?? 0 }
  }

  async reset(key: string): Promise<void> {
    await this.#ask('reset', key, 0, 0)
  }

  async close(): Promise<void> {
    this.port.off('message', this.#onMessage)
    for (const resolve of this.#pending.values()) resolve(null)
    this.#pending.clear()
  }

  #ask(op: RateRequest['op'], key: string, limit: number, windowMs: number): Promise<RateReply['result']> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        this.#failOpen()
        resolve(null)
      }, TIMEOUT_MS)
      this.#pending.set(id, (result) => {
        clearTimeout(timer)
        resolve(result)
      })
      const request: RateRequest = { backlot: 'rate', id, op, key, limit, windowMs }
      if (!trySend(this.port, request)) {
        this.#pending.get(id)?.(null)
        this.#pending.delete(id)
      }
    })
  }

  #failOpen(): void {
    if (Date.now() - this.#lastLogged < 10_000) return
    this.#lastLogged = Date.now()
    this.logger.warn('rate limiter unavailable (cluster primary did not answer); allowing requests meanwhile')
  }
}

/** The primary's half: answers a worker's rate-limit requests from the one shared limiter. */
export function serveRateLimits(port: IpcPort, limiter: RateLimiter): () => void {
  const onMessage = (raw: unknown) => {
    if (!isTagged<RateRequest>(raw, 'rate')) return
    const { id, op, key, limit, windowMs } = raw
    const answer =
      op === 'hit'
        ? limiter.hit(key, limit, windowMs)
        : op === 'count'
          ? limiter.count(key, windowMs)
          : limiter.reset(key).then(() => ({ allowed: true, retryAfterMs: 0 }))
    answer.then(
      (result) => trySend(port, { backlot: 'rate-reply', id, result } satisfies RateReply),
      () => trySend(port, { backlot: 'rate-reply', id, result: null } satisfies RateReply),
    )
  }
  port.on('message', onMessage)
  return () => port.off('message', onMessage)
}
