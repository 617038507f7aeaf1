import type { Redis } from 'ioredis'
import type { Logger } from '../logger.js'
import { closeRedis, connectRedis, openRedis, type RedisSettings } from '../redis/redis-connection.js'
import type { Bus, Unsubscribe } from './bus.js'

type Handler = (message: string) => void

/**
 * The Bus over Redis pub/sub, for several nodes (`BACKLOT_REDIS_URL`).
 *
 * - Delivery is **at-most-once**: Redis pub/sub keeps nothing for a subscriber that is disconnected,
 *   and a publish made while this node's publisher is disconnected is dropped (logged), never
 *   queued or retried — the event is already committed to the database, which is the log (DESIGN
 *   rule 1), and every node fills such gaps from there within one heartbeat.
 * - Messages of one topic are delivered **in one order** to every node: Redis serialises PUBLISH,
 *   and each node reads its one subscriber connection in order.
 * - Two connections per node: one publisher (commands fail fast while disconnected, so a request
 *   that published after its commit never hangs on Redis) and one subscriber. Both reconnect
 *   forever with backoff (50 ms doubling to 2 s); the subscriber re-subscribes every topic it held.
 * - Topics are Redis channels `<prefix><topic>`; one Redis subscription per topic however many
 *   local handlers it has.
 */
export class RedisBus implements Bus {
  readonly #handlers = new Map<string, Set<Handler>>()
  /** Topics Redis has acknowledged a SUBSCRIBE for (and no UNSUBSCRIBE since). */
  readonly #subscribed = new Set<string>()
  /** Per-topic chain of SUBSCRIBE/UNSUBSCRIBE work, so they never overtake each other. */
  readonly #chains = new Map<string, Promise<void>>()
  #isClosed = false
  #lastDropLogged = 0

  private constructor(
    private readonly settings: RedisSettings,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.#dispatch(channel, message))
  }

  /** Connects both connections; rejects (with the URL, password hidden) if Redis is not reachable. */
  static async connect(settings: RedisSettings, logger: Logger): Promise<RedisBus> {
    const publisher = openRedis(settings, 'bus-pub', logger, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
    })
    const subscriber = openRedis(settings, 'bus-sub', logger, { maxRetriesPerRequest: null })
    try {
      await Promise.all([connectRedis(publisher, settings.url), connectRedis(subscriber, settings.url)])
    } catch (error) {
      publisher.disconnect()
      subscriber.disconnect()
      throw error
    }
    return new RedisBus(settings, publisher, subscriber, logger)
  }

  async publish(topic: string, message: string): Promise<void> {
    if (this.#isClosed) return
    try {
      await this.publisher.publish(this.settings.prefix + topic, message)
    } catch (error) {
      // At-most-once: the event is in the database; subscribers get it from there (DESIGN rule 1).
      if (Date.now() - this.#lastDropLogged > 10_000) {
        this.#lastDropLogged = Date.now()
        this.logger.warn({ err: error, topic }, 'bus publish dropped; nodes will catch up from the database')
      }
    }
  }

  /**
   * Resolves once Redis acknowledged the subscription, so messages published after that reach the
   * handler. While the subscriber connection is down it resolves at once: the subscription is made
   * when the connection is back, and the event log covers what was published meanwhile.
   */
  async subscribe(topic: string, onMessage: Handler): Promise<Unsubscribe> {
    if (this.#isClosed) return async () => {}
    let handlers = this.#handlers.get(topic)
    if (!handlers) {
      handlers = new Set()
      this.#handlers.set(topic, handlers)
    }
    // A wrapper per call, so the same function subscribed twice is two handlers, unsubscribed apart.
    const handler: Handler = (message) => onMessage(message)
    handlers.add(handler)
    const reconciled = this.#reconcile(topic)
    if (this.subscriber.status === 'ready') await reconciled
    else reconciled.catch(() => undefined) // logged by #reconcile
    let isDone = false
    return async () => {
      if (isDone) return
      isDone = true
      const current = this.#handlers.get(topic)
      current?.delete(handler)
      if (current?.size === 0) this.#handlers.delete(topic)
      if (!this.#isClosed) await this.#reconcile(topic).catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    if (this.#isClosed) return
    this.#isClosed = true
    this.#handlers.clear()
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)])
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** Brings Redis's subscription for `topic` in line with whether local handlers want it. */
  #reconcile(topic: string): Promise<void> {
    const previous = this.#chains.get(topic) ?? Promise.resolve()
    const next = previous.then(async () => {
      if (this.#isClosed) return
      const wants = (this.#handlers.get(topic)?.size ?? 0) > 0
      const channel = this.settings.prefix + topic
      try {
        if (wants && !this.#subscribed.has(topic)) {
          await this.subscriber.subscribe(channel)
          this.#subscribed.add(topic)
        } else if (!wants && this.#subscribed.has(topic)) {
          this.#subscribed.delete(topic)
          await this.subscriber.unsubscribe(channel)
        }
      } catch (error) {
        if (!this.#isClosed) this.logger.warn({ err: error, topic }, 'bus (un)subscribe failed')
        throw error
      }
    })
    const settled = next.catch(() => undefined)
    this.#chains.set(topic, settled)
    void settled.then(() => {
      if (this.#chains.get(topic) === settled) this.#chains.delete(topic)
    })
    return next
  }

  #dispatch(channel: string, message: string): void {
    if (this.#isClosed || !channel.startsWith(this.settings.prefix)) return
    const handlers = this.#handlers.get(channel.slice(this.settings.prefix.length))
    if (!handlers) return
    for (const handler of [...handlers]) {
      try {
        handler(message)
      } catch (error) {
        // Never let a handler's bug throw into the Redis reply parser.
        this.logger.error({ err: error, channel }, 'bus handler failed')
      }
    }
  }
}
