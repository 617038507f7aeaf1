import { fail } from '../errors.js'

/**
 * Opaque keyset cursors for the channel lists: the sort key of the last item returned, as
 * base64url JSON. Clients pass `nextCursor` back unchanged; a tampered cursor is a 400, never a 500.
 */
export type CursorKey = readonly (string | number)[]

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** Decodes a cursor whose key has the given shape ('s' string, 'n' number per position). */
export function decodeCursor(cursor: string, shape: string): (string | number)[] {
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    key = null
  }
  const fits =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((part, i) => typeof part === (shape[i] === 'n' ? 'number' : 'string'))
  if (!fits) fail('bad-request', 'The cursor is not one this server handed out.')
  return key as (string | number)[]
}

/** A page of items plus the cursor of the next page (null on the last page). */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells that another page exists.
 */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => CursorKey, view: (row: R) => T) {
  const hasMore = rows.length > limit
  const kept = hasMore ? rows.slice(0, limit) : rows
  const last = kept.at(-1)
  return {
    items: kept.map(view),
    nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
  } satisfies Page<T>
}
