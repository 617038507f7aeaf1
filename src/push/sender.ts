import type { Clock } from '../util/clock.js'
import { createSemaphore, type Semaphore } from '../util/semaphore.js'
import type { EncryptPool } from './encrypt-pool.js'
import { type PushTransport, TransportError } from './transport.js'
import type { VapidSigner } from './vapid.js'

/**
 * Sends one Web Push message (RFC 8030 §5) to one device and says what became of it. Requests to
 * one push service host are bounded by a per-host semaphore shared by every batch on this node.
 */
export interface Device {
  id: string
  endpoint: string
  p256dh: string
  auth: string
}

export interface PushMessage {
  /** UTF-8 JSON, encrypted per device. */
  payload: Buffer
  ttlSeconds: number
  urgency: 'very-low' | 'low' | 'normal' | 'high'
  /** RFC 8030 §5.4: a newer message with the same topic replaces an undelivered one. */
  topic: string
}

export type FailureReason =
  | 'gone'
  | 'rate-limited'
  | 'server-error'
  | 'network'
  | 'rejected'
  | 'too-large'
  | 'unauthorized'
  | 'ambiguous'
  | 'endpoint-private'
  | 'retries-exhausted'

export type SendOutcome =
  | { kind: 'sent' }
  /** 404/410: the subscription has expired or been unsubscribed; delete it. */
  | { kind: 'gone'; status: number }
  /** Certainly not delivered, worth another attempt. */
  | { kind: 'retry'; reason: FailureReason; retryAfterMs: number | null; status?: number }
  /** Not delivered (or not known to be) and not to be retried. */
  | { kind: 'failed'; reason: FailureReason; status?: number; detail?: string }

export interface SenderDeps {
  transport: PushTransport
  vapid: VapidSigner
  hostConcurrency: number
  clock: Clock
  encryption: EncryptPool
}

/** A message encrypted for one device (RFC 8291), or why it could not be. */
export type EncryptedBody = Buffer | Error

export interface PushSender {
  /**
   * `message` encrypted for each device, in order, each with a fresh key pair and salt (RFC 8291);
   * rejects only once closing.
   */
  encrypt(devices: readonly Device[], message: PushMessage): Promise<EncryptedBody[]>
  /** Sends `body` (from encrypt) to `device`; never throws for push service or network errors. */
  send(device: Device, message: PushMessage, body: EncryptedBody): Promise<SendOutcome>
}

export function createPushSender({
  transport,
  vapid,
  hostConcurrency,
  clock,
  encryption,
}: SenderDeps): PushSender {
  const hosts = new Map<string, Semaphore>()

  function limiterFor(origin: string): Semaphore {
    let limiter = hosts.get(origin)
    if (!limiter) {
      limiter = createSemaphore(hostConcurrency)
      hosts.set(origin, limiter)
    }
    return limiter
  }

  async function sendNow(url: URL, message: PushMessage, body: Buffer): Promise<SendOutcome> {
    try {
      const res = await transport({
        url,
        body,
        headers: {
          authorization: vapid.authorization(url),
          'content-encoding': 'aes128gcm',
          'content-type': 'application/octet-stream',
          ttl: String(message.ttlSeconds),
          urgency: message.urgency,
          topic: message.topic,
        },
      })
      return classifyResponse(res.status, res.retryAfter, res.body, clock.now())
    } catch (error) {
      if (!(error instanceof TransportError)) throw error
      if (error.code === 'EPRIVATE')
        return { kind: 'failed', reason: 'endpoint-private', detail: error.message }
      return error.isSafeToRetry
        ? { kind: 'retry', reason: 'network', retryAfterMs: null }
        : { kind: 'failed', reason: 'ambiguous', detail: `${error.code}: ${error.message}` }
    }
  }

  return {
    // On a worker thread when there is a spare core (encrypt-pool.ts).
    encrypt(devices: readonly Device[], message: PushMessage): Promise<EncryptedBody[]> {
      return encryption.encrypt(message.payload, devices)
    },
    async send(device: Device, message: PushMessage, body: EncryptedBody): Promise<SendOutcome> {
      if (body instanceof Error) {
        // Keys are checked at registration; a row that still fails cannot be sent to, ever.
        return { kind: 'failed', reason: 'rejected', detail: `cannot encrypt: ${body.message}` }
      }
      const url = new URL(device.endpoint)
      const limiter = limiterFor(url.origin)
      try {
        return await limiter.run(() => sendNow(url, message, body))
      } finally {
        if (limiter.pending === 0) hosts.delete(url.origin)
      }
    },
  }
}

/** What a push service's answer means for this device (RFC 8030 §5, §8.3; RFC 8292 §4). */
export function classifyResponse(
  status: number,
  retryAfter: string | undefined,
  body: string,
  now: number,
): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent' }
  if (status === 404 || status === 410) return { kind: 'gone', status }
  if (status === 429)
    return { kind: 'retry', reason: 'rate-limited', retryAfterMs: parseRetryAfter(retryAfter, now), status }
  if (status >= 500)
    return { kind: 'retry', reason: 'server-error', retryAfterMs: parseRetryAfter(retryAfter, now), status }
  const detail = body.slice(0, 200)
  if (status === 413) return { kind: 'failed', reason: 'too-large', status, detail }
  if (status === 401 || status === 403) return { kind: 'failed', reason: 'unauthorized', status, detail }
  return { kind: 'failed', reason: 'rejected', status, detail }
}

/** Retry-After longer than this is capped: the message's TTL would run out long before anyway. */
const MAX_RETRY_AFTER_MS = 3_600_000

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; null if absent or bad. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null
  const trimmed = value.trim()
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now
  if (!Number.isFinite(ms)) return null
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS)
}
