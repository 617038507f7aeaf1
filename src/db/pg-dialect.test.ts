import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../test/_util/db.js'
import { type DatabaseHandle, openDatabase } from './database.js'
import { migrateToLatest } from './migrator.js'

// Needs PostgreSQL (127.0.0.1:5432, database "test"); skipped when BACKLOT_TEST_DATABASES leaves it out.
describe.skipIf(!testDatabases.includes('postgres'))('PostgreSQL schemas sharing one database', () => {
  let own: TestDatabase
  let handle: DatabaseHandle

  beforeAll(async () => {
    own = await createTestDatabase('postgres')
    handle = await openDatabase(own.config)
    await migrateToLatest(handle.db)
  })

  afterAll(async () => {
    await handle?.close()
    await own?.drop()
  })

  it('introspects only its own schema', async () => {
    const tables = await handle.db.introspection.getTables({ withInternalKyselyTables: true })
    expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([own.config.schema]))
    const names = tables.map((t) => t.name)
    expect(names).toContain('post')
    expect(names).toContain('kysely_migration')
    const post = tables.find((t) => t.name === 'post')!
    expect(post.columns.map((c) => c.name)).toContain('channel_id')
    const visible = await handle.db.introspection.getTables()
    expect(visible.map((t) => t.name)).not.toContain('kysely_migration')
  })

  it('starts (migrates) while other schemas of the same database are being created and dropped', async () => {
    // A node starting while another deployment or test drops its schema used to fail with
    // 'column "channel_id" of relation "post" does not exist' from Kysely's all-schema introspection.
    const churn = async () => {
      for (let i = 0; i < 6; i++) {
        const other = await createTestDatabase('postgres')
        {
          await using otherHandle = await openDatabase(other.config)
          await migrateToLatest(otherHandle.db)
        }
        await other.drop()
      }
    }
    const restarts = async () => {
      for (let i = 0; i < 40; i++) {
        await using node = await openDatabase(own.config)
        expect(await migrateToLatest(node.db)).toEqual([])
      }
    }
    await Promise.all([churn(), churn(), restarts()])
  }, 120_000)
})
