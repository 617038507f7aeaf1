import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../test/_util/db.js'
import { type DatabaseHandle, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { advanceAfterEnqueue, channelsBehind, eventsAfter, moveCursor } from './delivery-cursor.js'

describe.each(testDatabases)('federation delivery cursor (%s)', (kind) => {
  let testDb: TestDatabase
  let handle: DatabaseHandle

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    handle = await openDatabase(testDb.config)
    await migrateToLatest(handle.db)
  })
  afterAll(async () => {
    await handle?.close()
    await testDb?.drop()
  })

  /** A channel created after the migration (no cursor row) with events of these types, seq 1… */
  async function channelWith(id: string, types: string[]): Promise<void> {
    await sql`insert into channel (id, slug, title, description, visibility, join_policy, created_at, updated_at, last_seq)
      values (${id}, ${id}, ${id}, '', 'public', 'open', 1, 1, ${types.length})`.execute(handle.db)
    for (const [i, type] of types.entries()) {
      await handle.db
        .insertInto('channel_event')
        .values({
          channel_id: id,
          seq: i + 1,
          id: `${id}-${i + 1}`,
          type,
          post_id: 'p',
          data: '{}',
          created_at: i + 1,
        })
        .execute()
    }
  }
  const cursorOf = async (id: string) =>
    (
      await handle.db
        .selectFrom('federation_cursor')
        .select('seq')
        .where('channel_id', '=', id)
        .executeTakeFirst()
    )?.seq

  it('advances only when no delivered event before the batch is unrecorded', async () => {
    // seq 1 published (its node died before the enqueue), 2 a reaction, 3 published by another node.
    await channelWith('a', ['post.published', 'post.reacted', 'post.published'])
    expect(await advanceAfterEnqueue(handle.db, 'a', 3, 3)).toBe(false)
    expect(await cursorOf('a')).toBeUndefined()
    expect(await channelsBehind(handle.db, 10)).toEqual([{ channelId: 'a', cursor: 0 }])
    expect((await eventsAfter(handle.db, 'a', 0, 2)).map((e) => e.seq)).toEqual([1, 2])
    // Recovery moves it; a second, concurrent recovery from the same cursor loses the race.
    expect(await moveCursor(handle.db, 'a', 0, 3)).toBe(true)
    expect(await moveCursor(handle.db, 'a', 0, 3)).toBe(false)
    expect(Number(await cursorOf('a'))).toBe(3)
    expect(await channelsBehind(handle.db, 10)).toEqual([])
  })

  it('skips events that federation does not deliver when advancing', async () => {
    await channelWith('b', ['post.published', 'post.reacted', 'post.reacted', 'post.edited'])
    expect(await advanceAfterEnqueue(handle.db, 'b', 1, 1)).toBe(true)
    // seq 2 and 3 are reactions: nothing of federation's lies between the cursor and seq 4.
    expect(await advanceAfterEnqueue(handle.db, 'b', 4, 4)).toBe(true)
    expect(Number(await cursorOf('b'))).toBe(4)
    expect(await advanceAfterEnqueue(handle.db, 'b', 4, 4)).toBe(false) // already through
  })
})
