import { fail } from '../errors.js'

/** A position in a channel's feed: posts are ordered newest first by (published_at, id). */
export interface FeedKey {
  publishedAt: number
  id: string
}

/**
 * Opaque keyset cursors. Clients must not build or parse them; the encoding (base64url of
 * `publishedAt:id`) may change. A keyset rather than an offset means a page boundary does not
 * shift when new posts arrive while a client pages back.
 */
export function encodeCursor(key: FeedKey): string {
  return Buffer.from(`${key.publishedAt}:${key.id}`, 'utf8').toString('base64url')
}

/** Decodes a cursor from a query string; anything it did not produce is a validation problem. */
export function decodeCursor(cursor: string): FeedKey {
  const decoded = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : ''
  const match = /^(\d{1,15}):([0-9A-Z]{26})$/.exec(decoded)
  if (!match) {
    fail('validation', 'Invalid query: cursor is not one this server handed out.', {
      errors: [{ in: 'querystring', field: '/cursor', message: 'is not a valid cursor' }],
    })
  }
  return { publishedAt: Number(match[1]), id: match[2]! }
}
