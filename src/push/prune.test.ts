import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { createLogger } from '../logger.js'
import { newId } from '../util/ids.js'
import { prunePushRecords } from './prune.js'

describe('prunePushRecords', () => {
  const handles: Array<{ close(): Promise<void> }> = []
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.close()
  })

  it('forgets claims of posts whose last run is a day past the TTL, and keeps the rest', async () => {
    const handle = await openDatabase({ kind: 'sqlite', location: ':memory:', schema: 'public' })
    handles.push(handle)
    const db = handle.db
    await migrateToLatest(db)
    const now = Date.now()
    const day = 86_400_000
    const account = newId()
    const channel = newId()
    await db
      .insertInto('account')
      .values({
        id: account,
        handle: 'a',
        display_name: 'A',
        password_hash: null,
        email: null,
        created_at: now,
      })
      .execute()
    await db
      .insertInto('channel')
      .values({
        id: channel,
        slug: 'c',
        title: 'C',
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
    const device = newId()
    await db
      .insertInto('push_subscription')
      .values({
        id: device,
        account_id: account,
        endpoint: 'https://push.example/1',
        p256dh: 'k',
        auth: 'a',
        label: null,
        expires_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute()
    const post = async (runsAgo: number[]) => {
      const id = newId()
      await db
        .insertInto('post')
        .values({
          id,
          channel_id: channel,
          author_id: account,
          kind: 'text',
          text: 't',
          status: 'published',
          publish_at: null,
          published_at: now,
          edited_at: null,
          deleted_at: null,
          pinned_at: null,
          spoiler_label: null,
          idempotency_key: null,
          idempotency_fingerprint: null,
          created_at: now,
          updated_at: now,
        })
        .execute()
      for (const [i, ago] of runsAgo.entries()) {
        await db
          .insertInto('push_fanout')
          .values({
            id: `${id}:${i}`,
            post_id: id,
            reason: 'published',
            published_at: now - ago,
            created_at: now - ago,
            done_at: now - ago,
          })
          .execute()
      }
      await db
        .insertInto('push_delivery')
        .values({
          post_id: id,
          subscription_id: device,
          status: 'sent',
          attempts: 1,
          revision: 0,
          updated_at: now,
        })
        .execute()
      return id
    }
    const old = await post([3 * day])
    const pinnedLately = await post([3 * day, 1000])
    const recent = await post([1000])
    expect(
      await prunePushRecords({
        db,
        clock: { now: () => now },
        logger: createLogger('silent'),
        ttlSeconds: 86_400,
      }),
    ).toBe(1)
    const left = (await db.selectFrom('push_delivery').select('post_id').execute())
      .map((r) => r.post_id)
      .sort()
    expect(left).toEqual([pinnedLately, recent].sort())
    expect(await db.selectFrom('push_fanout').select('id').where('post_id', '=', old).execute()).toEqual([])
  })
})
