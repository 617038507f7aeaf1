import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Whether an `Authorization` header carries the metrics token (BACKLOT_METRICS_TOKEN). Compared as
 * SHA-256 digests in constant time, so neither the length nor a prefix of the token leaks by timing.
 * No token configured: every request may read.
 */
export function mayReadMetrics(token: string | undefined, authorization: string | undefined): boolean {
  if (token === undefined) return true
  const match = /^Bearer (\S+)$/.exec(authorization ?? '')
  if (!match) return false
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(match[1]!), digest(token))
}
