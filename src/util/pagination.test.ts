import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { cursorCodec, mapPage, toPage } from './pagination.js'

const feed = cursorCodec({ publishedAt: 'int', id: 'id' })
const byId = cursorCodec({ id: 'id' })
const key = { publishedAt: 1_700_000_000_000, id: '01HZX3Y4Q5R6S7T8V9W0XYZABC' }

function refusal(run: () => unknown): DomainError {
  try {
    run()
  } catch (error) {
    if (error instanceof DomainError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('cursorCodec', () => {
  it('writes the format `?before=` links of the public pages already carry, and reads it back', () => {
    const cursor = feed.encode(key)
    expect(cursor).toBe('MTcwMDAwMDAwMDAwMDowMUhaWDNZNFE1UjZTN1Q4VjlXMFhZWkFCQw')
    expect(feed.decode(cursor)).toEqual(key)
    expect(byId.decode(byId.encode({ id: key.id }))).toEqual({ id: key.id })
  })

  it('reads no cursor as the first page', () => {
    expect(feed.decodeOptional(undefined)).toBeNull()
    expect(feed.decodeOptional(feed.encode(key))).toEqual(key)
  })

  it('refuses any cursor it did not write with the one validation problem at /cursor', () => {
    const foreign = [
      '',
      'bogus',
      byId.encode({ id: key.id }),
      `${feed.encode(key)}==`,
      Buffer.from(JSON.stringify([key.publishedAt, key.id])).toString('base64url'),
      Buffer.from(`-1:${key.id}`).toString('base64url'),
      Buffer.from(`${key.publishedAt}:${key.id.toLowerCase()}`).toString('base64url'),
    ]
    for (const cursor of foreign) {
      const error = refusal(() => feed.decode(cursor))
      const { reason, kind, detail, extra } = error
      expect({ cursor, reason, kind, detail, extra }).toEqual({
        cursor,
        reason: 'validation',
        kind: 'invalid',
        detail: 'Invalid query: cursor is not one this server handed out.',
        extra: { errors: [{ field: '/cursor', message: 'is not a valid cursor' }] },
      })
    }
  })
})

describe('toPage', () => {
  const rows = [{ n: 1 }, { n: 2 }, { n: 3 }]
  const cursorOf = (row: { n: number }) => `after-${row.n}`

  it('keeps `limit` rows and points the next cursor at the last one kept when a row is left over', () => {
    expect(toPage(rows, 2, cursorOf)).toEqual({ items: [{ n: 1 }, { n: 2 }], nextCursor: 'after-2' })
  })

  it('ends the list (null cursor) when no row is left over', () => {
    expect(toPage(rows, 3, cursorOf)).toEqual({ items: rows, nextCursor: null })
    expect(toPage([], 3, cursorOf)).toEqual({ items: [], nextCursor: null })
  })

  it('presents the rows of a page without touching its cursor', () => {
    expect(mapPage(toPage(rows, 2, cursorOf), (row) => row.n * 10)).toEqual({
      items: [10, 20],
      nextCursor: 'after-2',
    })
  })
})
