/**
 * Yields every row of a query page by page with a keyset cursor on a unique, ordered text key
 * (ids are ULIDs), so an export of a large channel holds one page of rows at a time, never the table.
 */
export async function* pages<T>(
  fetchPage: (after: string | null, limit: number) => Promise<T[]>,
  keyOf: (row: T) => string,
  pageSize = 500,
): AsyncGenerator<T> {
  let after: string | null = null
  for (;;) {
    const rows = await fetchPage(after, pageSize)
    yield* rows
    if (rows.length < pageSize) return
    after = keyOf(rows[rows.length - 1]!)
  }
}

/** Maps each row of an async iterable. */
export async function* mapRows<T, U>(
  rows: AsyncIterable<T>,
  map: (row: T) => U | Promise<U>,
): AsyncGenerator<U> {
  for await (const row of rows) yield await map(row)
}
