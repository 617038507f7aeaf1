import { hash, randomBytes, randomFillSync } from 'node:crypto'
import { monotonicFactory } from 'ulid'

// ulid's own PRNG calls crypto.getRandomValues once per character: 16 calls, ~120 µs, whenever the
// millisecond changes (a post is several ids). The same CSPRNG bytes, drawn 256 at a time.
const pool = Buffer.alloc(256)
let nextByte = pool.length
function randomFraction(): number {
  if (nextByte === pool.length) {
    randomFillSync(pool)
    nextByte = 0
  }
  return pool[nextByte++]! / 256
}

const ulid = monotonicFactory(randomFraction)

/** Time-ordered, opaque id for rows (ULID). */
export function newId(): string {
  return ulid()
}

/** A secret for a cookie, API token or invite link: 256 bits, URL-safe. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url')
}

/**
 * Secrets are stored only as this hash; lookups hash the presented value (every authenticated
 * request: the one-shot `hash` skips the Hash object `createHash` builds).
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex')
}
