import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../test/_util/db.js'
import { MemoryBus } from '../bus/memory-bus.js'
import { type DatabaseHandle, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { accessTopic, positionsTopic } from '../event-log/event-log.js'
import { createLogger } from '../logger.js'
import { newId } from '../util/ids.js'
import { createHotChannels, type HotChannels, readableChannel } from './hot-channels.js'

/** Issue 21 part 2: the channel rows anonymous reads are served from, on both databases. */
describe.each(testDatabases)('hot channel rows on %s', (kind) => {
  let database: TestDatabase
  let handle: DatabaseHandle
  let bus: MemoryBus
  let hot: HotChannels
  let now = 1_000_000
  const channelId = newId()

  const setTitle = (title: string, lastSeq: number) =>
    handle.db.updateTable('channel').set({ title, last_seq: lastSeq }).where('id', '=', channelId).execute()
  const title = async () => (await hot.anonymousAccess('Hot'))?.channel.title

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    handle = await openDatabase(database.config)
    await migrateToLatest(handle.db)
    await handle.db
      .insertInto('channel')
      .values({
        id: channelId,
        slug: 'hot',
        title: 'One',
        description: '',
        visibility: 'public',
        join_policy: 'open',
        reaction_set: null,
        production: null,
        archived_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute()
    bus = new MemoryBus()
    hot = await createHotChannels({ db: handle.db, bus, now: () => now, logger: createLogger('silent') })
  })

  afterAll(async () => {
    await hot[Symbol.asyncDispose]()
    await bus.close()
    await handle.close()
    await database.drop()
  })

  it('reads a channel once, then serves it from memory until it is a second old', async () => {
    expect(await title()).toBe('One')
    await setTitle('Two', 0) // a change no event announced (as if its message was lost)
    now += 999
    expect(await title()).toBe('One')
    now += 1
    expect(await title()).toBe('Two')
  })

  it('drops a row at once when its channel moves on the positions topic, and not for an old position', async () => {
    expect(await title()).toBe('Two')
    await setTitle('Three', 5)
    await bus.publish(positionsTopic, `${channelId} 5`)
    expect(await title()).toBe('Three')
    await setTitle('Four', 5)
    await bus.publish(positionsTopic, `${channelId} 4`) // a late duplicate: what is held is newer
    expect(await title()).toBe('Three')
    await bus.publish(positionsTopic, `${newId()} 9`) // another channel
    expect(await title()).toBe('Three')
  })

  it('drops a row on an access change of the channel: deleted, suspended, private, or a person removed (erasure)', async () => {
    await setTitle('Five', 5)
    await bus.publish(accessTopic, JSON.stringify({ channelId, accountId: newId(), reason: 'removed' }))
    expect(await title()).toBe('Five')
    await handle.db
      .updateTable('channel')
      .set({ visibility: 'private' })
      .where('id', '=', channelId)
      .execute()
    await bus.publish(accessTopic, JSON.stringify({ channelId, accountId: null, reason: 'channel-private' }))
    await expect(readableChannel(handle.db, hot, 'hot', null)).rejects.toMatchObject({
      reason: 'channel-not-found',
    })
    await handle.db.updateTable('channel').set({ visibility: 'public' }).where('id', '=', channelId).execute()
    await bus.publish(accessTopic, JSON.stringify({ channelId, accountId: null, reason: 'channel-private' }))
  })

  it('does not keep a read that a message overtook, nor a channel that does not exist', async () => {
    now += 5_000
    const reading = hot.anonymousAccess('hot') // in flight…
    await setTitle('Six', 6)
    await bus.publish(positionsTopic, `${channelId} 6`) // …when the channel moved
    await reading
    expect(await title()).toBe('Six')
    expect(await hot.anonymousAccess('missing')).toBeNull()
    expect(hot.size).toBe(1)
  })
})
