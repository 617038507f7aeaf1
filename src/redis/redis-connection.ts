/**
 * Kernel: how every Redis-backed seam (RedisBus, the Redis rate limiter, BullMQ's queue) opens,
 * names and closes its connections. It has its own folder so that the seams share it without
 * importing one another.
 */
import os from 'node:os'
import { Redis, type RedisOptions } from 'ioredis'
import type { RedisConfig } from '../config/config.js'
import type { Logger } from '../logger.js'

/** What every Redis-backed seam needs to connect: the URL and the key/channel prefix (BACKLOT_REDIS_PREFIX). */
export type RedisSettings = RedisConfig

/**
 * Reconnect backoff: 50 ms, 100 ms, … capped at 2 s, forever. A node never gives up on Redis: the
 * bus is only a wake-up signal (the database is the log), so the node keeps serving meanwhile.
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(2000, 50 * 2 ** Math.min(attempt - 1, 6))
}

/**
 * Name shown by `CLIENT LIST` for one connection of this process, e.g. `backlot:web-1:4242:bus-sub`.
 * Operators (and the cluster tests) find a node's connections by it.
 */
export function connectionName(prefix: string, role: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._:-]/g, '_')
  return safe(`${prefix}${os.hostname()}:${process.pid}:${role}`)
}

/** Opens one ioredis connection with Backlot's defaults; logs (not throws) connection errors. */
export function openRedis(
  settings: RedisSettings,
  role: string,
  logger: Logger,
  options: RedisOptions = {},
): Redis {
  const redis = new Redis(settings.url, {
    connectionName: connectionName(settings.prefix, role),
    retryStrategy: reconnectDelayMs,
    lazyConnect: true,
    ...options,
  })
  let lastLogged = 0
  redis.on('error', (error: Error) => {
    // A down Redis emits an error per reconnect attempt: one line per 10 s is enough.
    if (Date.now() - lastLogged < 10_000) return
    lastLogged = Date.now()
    logger.warn({ err: error, role }, 'redis connection error')
  })
  return redis
}

/**
 * Connects and waits until the connection is ready, so start-up fails with one clear line when Redis
 * cannot be reached, instead of a node that looks healthy while its bus is dead.
 */
export async function connectRedis(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
  })
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()))
  // connect() rejects on the first failed attempt while the retry strategy keeps trying: wait for
  // `ready` instead, up to the timeout.
  redis.connect().catch(() => undefined)
  try {
    await Promise.race([ready, timeout])
  } catch (error) {
    redis.disconnect()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.href
  } catch {
    return 'BACKLOT_REDIS_URL'
  }
}

/** Closes politely (QUIT), or cuts the connection if Redis does not answer. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return
  if (redis.status !== 'ready') {
    redis.disconnect()
    return
  }
  await Promise.race([redis.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))])
  redis.disconnect()
}
