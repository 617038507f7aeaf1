import type { Compilable, CompiledQuery, QueryResult } from 'kysely'
import type { DbOrTx } from './database.js'

const SENTINEL = '\u0000arg:'

/**
 * A query built and compiled to SQL once per dialect, then run with new parameter values. Building
 * and compiling a Kysely query with a few joins costs ~50–80 µs every time, more than SQLite takes
 * to run it; hot paths (authentication on every request, reactions) run the same queries thousands
 * of times a second. Together with the SQLite statement cache (database.ts) a hot query costs only
 * its execution.
 *
 * `build` receives placeholders instead of the real arguments and must put each one into the query
 * only as a bound value (Kysely parameterises every value), never branch on them. The compiled
 * parameters are then the placeholders, which are swapped for the arguments on each run.
 */
export function preparedQuery<A extends readonly unknown[], R>(
  build: (db: DbOrTx, ...args: A) => Compilable<R>,
) {
  const compiled = new WeakMap<object, CompiledQuery<R>>()
  return async (db: DbOrTx, ...args: A): Promise<QueryResult<R>> => {
    const adapter = db.getExecutor().adapter
    let query = compiled.get(adapter)
    if (!query) {
      const placeholders = args.map((_, i) => `${SENTINEL}${i}`) as unknown as A
      query = build(db, ...placeholders).compile()
      compiled.set(adapter, query)
    }
    const parameters = query.parameters.map((p) =>
      typeof p === 'string' && p.startsWith(SENTINEL) ? args[Number(p.slice(SENTINEL.length))] : p,
    )
    return db.executeQuery<R>({ ...query, parameters })
  }
}
