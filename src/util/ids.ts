import { createHash, randomBytes } from 'node:crypto'
import { monotonicFactory } from 'ulid'

const ulid = monotonicFactory()

/** Time-ordered, opaque id for rows (ULID). */
export function newId(): string {
  return ulid()
}

/** A secret for a cookie, API token or invite link: 256 bits, URL-safe. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url')
}

/** Secrets are stored only as this hash; lookups hash the presented value. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}
