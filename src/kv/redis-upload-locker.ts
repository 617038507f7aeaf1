import { randomBytes } from 'node:crypto'
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils'
import type { Redis } from 'ioredis'
import type { Logger } from '../logger.js'
import { closeRedis, connectRedis, openRedis, type RedisSettings } from '../redis/redis-connection.js'

/** Deletes the lock only if `token` still holds it: a holder whose TTL ran out never frees a successor's lock. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
`
/**
 * Extends the lock if `token` still holds it and reports whether a waiter asked for it back:
 * 1 held, 2 held and release requested, 0 lost.
 */
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
return 1
`

interface ScriptedRedis extends Redis {
  lockRelease(key: string, releaseKey: string, token: string): Promise<number>
  lockRenew(key: string, releaseKey: string, token: string, ttlMs: number): Promise<number>
}

export interface RedisUploadLockerOptions {
  /** A lock not renewed for this long (its holder died) is free again. */
  ttlMs?: number
  /** How long a request waits for a lock before tus answers its lock error (ERR_LOCK_TIMEOUT). */
  acquireTimeoutMs?: number
  /** How often a waiter tries again and a holder renews (and looks for a release request). */
  pollMs?: number
}

/**
 * @tus/server's Locker over Redis, so two requests for one upload are serialised across every
 * node and `--workers` process (tus's MemoryLocker only serialises within one process). Redis is
 * the one thing all nodes share in cluster mode, and a lock needs nothing more than SET NX PX with
 * a random token; Redlock-style multi-server quorum would be more than one Redis can give, so it is
 * written here in a few lines rather than added as a dependency.
 *
 * Cross-node release requests (tus's `cancelReq`): a waiter sets `<key>:release`; the holder sees it
 * on its next renewal (every `pollMs`) and calls its own release callback, which makes tus end the
 * holding request and unlock. So a stale PATCH (a dropped client whose connection is half open)
 * gives way to the client's retry within about `pollMs`, on any node. Polling, not pub/sub: it
 * needs no subscriber connection per node and the holder renews on the same beat anyway.
 */
export class RedisUploadLocker implements Locker {
  readonly ttlMs: number
  readonly acquireTimeoutMs: number
  readonly pollMs: number

  private constructor(
    readonly redis: ScriptedRedis,
    private readonly prefix: string,
    private readonly logger: Logger,
    options: RedisUploadLockerOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 10_000
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000
    this.pollMs = options.pollMs ?? Math.min(250, Math.floor(this.ttlMs / 4))
  }

  static async connect(
    settings: RedisSettings,
    logger: Logger,
    options: RedisUploadLockerOptions = {},
  ): Promise<RedisUploadLocker> {
    const redis = openRedis(settings, 'upload-lock', logger, {
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
    })
    const scripted = redis as ScriptedRedis
    scripted.defineCommand('lockRelease', { numberOfKeys: 2, lua: RELEASE_SCRIPT })
    scripted.defineCommand('lockRenew', { numberOfKeys: 2, lua: RENEW_SCRIPT })
    await connectRedis(redis, settings.url)
    return new RedisUploadLocker(scripted, `${settings.prefix}upload-lock:`, logger, options)
  }

  newLock(id: string): Lock {
    return new RedisUploadLock(this, this.prefix + id, this.logger)
  }

  async close(): Promise<void> {
    await closeRedis(this.redis)
  }
}

class RedisUploadLock implements Lock {
  readonly #token = randomBytes(16).toString('hex')
  readonly #releaseKey: string
  #renewTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly locker: RedisUploadLocker,
    private readonly key: string,
    private readonly logger: Logger,
  ) {
    this.#releaseKey = `${key}:release`
  }

  async lock(stopSignal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { redis, ttlMs, pollMs, acquireTimeoutMs } = this.locker
    const deadline = Date.now() + acquireTimeoutMs
    let askedRelease = false
    for (;;) {
      if (stopSignal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT
      const taken = await redis.set(this.key, this.#token, 'PX', ttlMs, 'NX')
      if (taken === 'OK') break
      if (!askedRelease) {
        // Lives a little longer than one lock: a holder that died cannot be asked, its TTL frees it.
        await redis.set(this.#releaseKey, '1', 'PX', ttlMs)
        askedRelease = true
      }
      if (Date.now() + pollMs > deadline) throw ERRORS.ERR_LOCK_TIMEOUT
      await sleep(pollMs, stopSignal)
    }
    // The release request was for the previous holder; this holder starts unasked.
    if (askedRelease) await redis.del(this.#releaseKey)
    this.#renewTimer = setInterval(() => void this.#renew(requestRelease), pollMs)
    this.#renewTimer.unref()
  }

  async #renew(requestRelease: RequestRelease): Promise<void> {
    try {
      const state = await this.locker.redis.lockRenew(
        this.key,
        this.#releaseKey,
        this.#token,
        this.locker.ttlMs,
      )
      if (state === 0) {
        this.logger.warn({ key: this.key }, 'an upload lock expired while held (renewal came too late)')
        clearInterval(this.#renewTimer)
      } else if (state === 2) {
        await requestRelease()
      }
    } catch (error) {
      // A missed renewal is not fatal: the TTL is several beats long; the next one tries again.
      this.logger.warn({ err: error, key: this.key }, 'could not renew an upload lock')
    }
  }

  async unlock(): Promise<void> {
    clearInterval(this.#renewTimer)
    this.#renewTimer = undefined
    await this.locker.redis.lockRelease(this.key, this.#releaseKey, this.#token)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
