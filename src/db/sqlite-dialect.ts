import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
} from 'kysely'

/**
 * Kysely's SQLite dialect, except that transactions start with `BEGIN IMMEDIATE`.
 *
 * Kysely begins with a plain (deferred) `BEGIN`: the transaction takes SQLite's write lock only at
 * its first write. When two processes share the file (`serve --workers N`, or the CLI beside a
 * server), both can read inside deferred transactions and then both try to upgrade to the write
 * lock: SQLite refuses one of them with SQLITE_BUSY at once, without waiting for busy_timeout,
 * because waiting could never succeed. Taking the write lock at BEGIN makes the second writer wait
 * (busy_timeout) for the first to commit instead. Within one process Kysely already runs one query
 * at a time on the single connection, so this changes nothing there.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver()
    const begin = CompiledQuery.raw('begin immediate')
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(begin)
    }
    return driver
  }
}

export type { SqliteDialectConfig }
