import { fail } from '../errors.js'

/**
 * Keyset pagination, one module for every list of the API and the public pages (docs/api.md
 * "Pagination"). A list declares the key it is ordered by as a codec, fetches `limit + 1` rows
 * strictly after the decoded key, and turns them into a page with `toPage`.
 *
 * A keyset rather than an offset: a page boundary does not shift when rows are added while a client
 * pages on, so walking the cursors sees every row that existed when paging began exactly once.
 */

/** How one part of a key is written: a non-negative integer (a time in ms) or a row id (a ULID). */
export type KeyPart = 'int' | 'id'

/** The parts of a key, by field name, in the order the list sorts by them. */
export type KeyShape = Readonly<Record<string, KeyPart>>

/** The decoded key of a shape: numbers for `int` parts, strings for `id` parts. */
export type KeyOf<S extends KeyShape> = { -readonly [F in keyof S]: S[F] extends 'int' ? number : string }

const partPatterns: Record<KeyPart, string> = { int: '\\d{1,15}', id: '[0-9A-Z]{26}' }
const base64url = /^[A-Za-z0-9_-]+$/

export interface CursorCodec<K> {
  /** The opaque cursor of a key: clients pass it back unchanged and must not build or parse it. */
  encode(key: K): string
  /** The key of a cursor this codec encoded; anything else is the one bad-cursor problem. */
  decode(cursor: string): K
  /** `decode`, with no cursor meaning the first page (null). */
  decodeOptional(cursor: string | undefined): K | null
}

/**
 * A codec for keys of `shape` (field order = the order of the parts). The cursor is the base64url
 * of the parts joined by ':' — `publishedAt:id` for the post feed — a format the public pages have
 * put in `?before=` links since they exist, so those links keep working.
 */
export function cursorCodec<const S extends KeyShape>(shape: S): CursorCodec<KeyOf<S>> {
  const fields = Object.keys(shape) as (keyof S & string)[]
  const pattern = new RegExp(`^${fields.map((f) => `(${partPatterns[shape[f]!]})`).join(':')}$`)
  const codec: CursorCodec<KeyOf<S>> = {
    encode: (key) => Buffer.from(fields.map((f) => key[f]).join(':'), 'utf8').toString('base64url'),
    decode(cursor) {
      const text = base64url.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : ''
      const match = pattern.exec(text) ?? invalidCursor()
      const key: Record<string, number | string> = {}
      fields.forEach((field, i) => {
        key[field] = shape[field] === 'int' ? Number(match[i + 1]) : match[i + 1]!
      })
      return key as KeyOf<S>
    },
    decodeOptional: (cursor) => (cursor === undefined ? null : codec.decode(cursor)),
  }
  return codec
}

/**
 * The one answer to a cursor the server did not hand out, on every list: 422 `validation` naming
 * the query field, as for any other bad query value (a too long cursor is refused the same way by
 * the route's schema). Clients that kept a cursor across a server change start again without it.
 */
export function invalidCursor(): never {
  fail('validation', 'Invalid query: cursor is not one this server handed out.', {
    errors: [{ field: '/cursor', message: 'is not a valid cursor' }],
  })
}

/** A page of a list: `nextCursor` fetches the next one; it is null on the last page. */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/**
 * Turns the `limit + 1` rows a keyset query fetched into a page: the extra row only tells that
 * another page follows, whose cursor is the key of the last row kept.
 */
export function toPage<R>(fetched: readonly R[], limit: number, cursorOf: (last: R) => string): Page<R> {
  const items = fetched.slice(0, limit)
  const last = items.at(-1)
  return { items, nextCursor: fetched.length > limit && last !== undefined ? cursorOf(last) : null }
}

/** The same page with each row presented. */
export function mapPage<R, T>(page: Page<R>, view: (row: R) => T): Page<T> {
  return { items: page.items.map((row) => view(row)), nextCursor: page.nextCursor }
}
