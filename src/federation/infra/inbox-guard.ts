import { fail } from '../../errors.js'
import type { RateLimiter } from '../../kv/rate-limiter.js'

/**
 * What runs in front of Fedify's inbox handler (issue 18 part 3), in this order, each before any
 * more work is done: the declared size; the signing key's instance against the block list; that
 * instance's rate limit; the body read up to the size limit (never buffered past it); the claimed
 * actor's instance against the block list. Refusals are DomainErrors: `inbox-too-large` (413),
 * `instance-blocked` (403), `rate-limited` (429 with Retry-After); src/http/problem-response.ts
 * renders them as problem+json.
 *
 * Signatures themselves (draft-cavage and RFC 9421), the key owner bound to the activity's actor,
 * object ids checked against the sender's origin and duplicate activity ids are Fedify's inbox
 * handler's work, configured by options.ts; the tests prove each.
 */
export interface InboxGuardDeps {
  rateLimiter: RateLimiter
  isBlockedInstance(host: string): Promise<boolean>
  limits: InboxLimits
}

export interface InboxLimits {
  /** Largest activity accepted, in bytes. */
  maxBodyBytes: number
  /** Activities one instance (by its signing key's host) may post per window, across all inboxes. */
  perInstance: { limit: number; windowMs: number }
}

export const defaultInboxLimits: InboxLimits = {
  // Mastodon's largest activities (a long post with its context and emoji) are a few tens of kB;
  // Mastodon itself refuses bodies over 1 MB.
  maxBodyBytes: 256 * 1024,
  // A busy instance relaying a thread sends bursts of tens per minute; 300 a minute is far above
  // honest traffic to a broadcast channel and a small cost if abused.
  perInstance: { limit: 300, windowMs: 60_000 },
}

/** Checks an inbox POST and returns it with its body buffered (the original's stream is consumed). */
export async function guardInboxRequest(request: Request, deps: InboxGuardDeps): Promise<Request> {
  if (request.method !== 'POST') return request
  const { maxBodyBytes, perInstance } = deps.limits
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBodyBytes) tooLarge(maxBodyBytes)
  const keyHost = signingKeyHost(request.headers)
  if (keyHost !== null && (await deps.isBlockedInstance(keyHost))) blocked(keyHost)
  const decision = await deps.rateLimiter.hit(
    `federation-inbox:${keyHost ?? 'unsigned'}`,
    perInstance.limit,
    perInstance.windowMs,
  )
  if (!decision.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
    fail(
      'rate-limited',
      `Too many activities from ${keyHost ?? 'unsigned senders'}; retry in ${retryAfterSeconds} s.`,
      {
        retryAfterSeconds,
      },
    )
  }
  const body = await readCapped(request, maxBodyBytes)
  const actorHost = claimedActorHost(body)
  if (actorHost !== null && (await deps.isBlockedInstance(actorHost))) blocked(actorHost)
  return new Request(request.url, { method: 'POST', headers: request.headers, body })
}

/**
 * The host of the key that signed the request: `keyId` of a draft-cavage `Signature` header, or
 * `keyid` of an RFC 9421 `Signature-Input`. Null when unsigned or unparseable (Fedify refuses those).
 */
export function signingKeyHost(headers: Headers): string | null {
  const cavage = headers.get('signature')?.match(/keyId\s*=\s*"([^"]+)"/i)?.[1]
  const rfc9421 = headers.get('signature-input')?.match(/;\s*keyid\s*=\s*"([^"]+)"/i)?.[1]
  const keyId = cavage ?? rfc9421
  if (!keyId) return null
  try {
    return new URL(keyId).host.toLowerCase()
  } catch {
    return null
  }
}

function claimedActorHost(body: Uint8Array): string | null {
  try {
    const activity = JSON.parse(new TextDecoder().decode(body)) as { actor?: unknown }
    const actor = activity.actor
    const id =
      typeof actor === 'string'
        ? actor
        : typeof actor === 'object' && actor
          ? (actor as { id?: unknown }).id
          : null
    return typeof id === 'string' ? new URL(id).host.toLowerCase() : null
  } catch {
    return null
  }
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel()
      tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const body = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.byteLength
  }
  return body
}

function tooLarge(maxBytes: number): never {
  fail('inbox-too-large', `Activities larger than ${maxBytes} bytes are not accepted.`, { maxBytes })
}

function blocked(host: string): never {
  fail('instance-blocked', `Activities from ${host} are not accepted here.`)
}
