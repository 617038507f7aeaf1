import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../test/_util/db.js'
import { type DatabaseHandle, openDatabase } from './database.js'
import { migrateToLatest } from './migrator.js'
import { preparedQuery } from './prepared.js'

describe.each(testDatabases)('preparedQuery on %s', (kind) => {
  let database: TestDatabase
  let handle: DatabaseHandle
  beforeAll(async () => {
    database = await createTestDatabase(kind)
    handle = await openDatabase(database.config)
    await migrateToLatest(handle.db)
    await handle.db
      .insertInto('account')
      .values(
        ['ann', 'bob'].map((h, i) => ({
          id: h,
          handle: h,
          display_name: h.toUpperCase(),
          password_hash: null,
          email: null,
          created_at: i,
        })),
      )
      .execute()
  })
  afterAll(async () => {
    await handle?.close()
    await database?.drop()
  })

  it('compiles once and runs with each call’s arguments, in place, however often they appear', async () => {
    let builds = 0
    const find = preparedQuery((db, handle: string, since: number) => {
      builds++
      return db
        .selectFrom('account')
        .select(['id', 'display_name'])
        .where((eb) => eb.or([eb('handle', '=', handle), eb('id', '=', handle)]))
        .where('created_at', '>=', since)
    })
    expect((await find(handle.db, 'ann', 0)).rows).toEqual([{ id: 'ann', display_name: 'ANN' }])
    expect((await find(handle.db, 'bob', 0)).rows).toEqual([{ id: 'bob', display_name: 'BOB' }])
    expect((await find(handle.db, 'ann', 1)).rows).toEqual([])
    await handle.db.transaction().execute(async (tx) => {
      expect((await find(tx, 'bob', 1)).rows).toHaveLength(1)
    })
    expect(builds).toBeLessThanOrEqual(2)
  })
})
