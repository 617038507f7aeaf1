import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../../test/_util/db.js'
import { type DatabaseHandle, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import type { DomainError } from '../errors.js'
import { createLogger } from '../logger.js'
import { createReactionWriter } from './reaction-writer.js'
import { createTargetLoader, requireActingMember } from './target.js'

describe.each(testDatabases)('reaction writer and access checks (group commit) on %s', (kind) => {
  let database: TestDatabase
  let handle: DatabaseHandle
  beforeAll(async () => {
    database = await createTestDatabase(kind)
    handle = await openDatabase(database.config)
    await migrateToLatest(handle.db)
    const db = handle.db
    await db
      .insertInto('account')
      .values(
        ['a', 'b', 'c', 'd', 'e'].map((id) => ({
          id,
          handle: id,
          display_name: id,
          password_hash: null,
          email: null,
          created_at: 0,
        })),
      )
      .execute()
    await db
      .insertInto('channel')
      .values({
        id: 'ch',
        slug: 'ch',
        title: 'ch',
        description: '',
        visibility: 'public',
        join_policy: 'open',
        reaction_set: null,
        production: null,
        archived_at: null,
        created_at: 0,
        updated_at: 0,
      })
      .execute()
    await db
      .insertInto('post')
      .values({
        id: 'p',
        channel_id: 'ch',
        author_id: 'a',
        kind: 'text',
        text: 't',
        status: 'published',
        publish_at: null,
        published_at: 0,
        edited_at: null,
        deleted_at: null,
        pinned_at: null,
        spoiler_label: null,
        idempotency_key: null,
        idempotency_fingerprint: null,
        created_at: 0,
        updated_at: 0,
      })
      .execute()
    await db
      .insertInto('channel_member')
      .values(['a', 'b', 'c'].map((id) => ({ channel_id: 'ch', account_id: id, role: null, joined_at: 0 })))
      .execute()
    await db
      .insertInto('channel_ban')
      .values({ channel_id: 'ch', account_id: 'd', banned_by: 'a', reason: '', created_at: 0 })
      .execute()
  })
  afterAll(async () => {
    await handle?.close()
    await database?.drop()
  })

  const row = (account: string, emoji: string, post = 'p') => ({
    post_id: post,
    account_id: account,
    emoji,
    created_at: 1,
  })

  it("applies one member's requests of one batch in order and reports each change", async () => {
    const writer = createReactionWriter(handle.db, createLogger('silent'))
    const results = await Promise.all([
      writer.set(row('a', '❤️')),
      writer.set(row('b', '🔥')),
      writer.set(row('a', '🔥')),
      writer.set(row('a', '🔥')),
    ])
    expect(results).toEqual([true, true, true, false])
    const rows = await handle.db
      .selectFrom('post_reaction')
      .select(['account_id', 'emoji'])
      .orderBy('account_id')
      .execute()
    expect(rows).toEqual([
      { account_id: 'a', emoji: '🔥' },
      { account_id: 'b', emoji: '🔥' },
    ])
  })

  it('fails only the bad row of a batch', async () => {
    const writer = createReactionWriter(handle.db, createLogger('silent'))
    const results = await Promise.allSettled([
      writer.set(row('c', '😮')),
      writer.set(row('c', '😮', 'no-such-post')),
    ])
    expect(results[0]).toEqual({ status: 'fulfilled', value: true })
    expect(results[1]!.status).toBe('rejected')
  })

  it.each([0, 2])(
    'applies sets and removals of one window in arrival order (window %i ms)',
    async (windowMs) => {
      const writer = createReactionWriter(handle.db, createLogger('silent'), windowMs)
      await handle.db.deleteFrom('post_reaction').execute()
      const results = await Promise.all([
        writer.set(row('a', '❤️')),
        writer.remove('p', 'a'),
        writer.remove('p', 'b'),
        writer.set(row('b', '😮')),
        writer.set(row('a', '🔥')),
        writer.remove('p', 'c'),
      ])
      expect(results).toEqual([true, true, false, true, true, false])
      const rows = await handle.db
        .selectFrom('post_reaction')
        .select(['account_id', 'emoji'])
        .orderBy('account_id')
        .execute()
      expect(rows).toEqual([
        { account_id: 'a', emoji: '🔥' },
        { account_id: 'b', emoji: '😮' },
      ])
    },
  )

  it('checks the access of one window in one batch, each request with its own answer', async () => {
    const load = createTargetLoader(handle.db, 5, createLogger('silent'))
    const act = (account: string, post = 'p', slug = 'CH') =>
      requireActingMember(handle.db, slug, account, post, load).then(
        (t) => `ok ${t.access.membership?.account_id}`,
        (e: DomainError) => e.reason,
      )
    expect(
      await Promise.all([
        act('a'),
        act('d'),
        act('e'),
        act('b'),
        act('c', 'no-such-post'),
        act('a', 'p', 'nope'),
      ]),
    ).toEqual(['ok a', 'banned', 'not-a-member', 'ok b', 'post-not-found', 'channel-not-found'])
  })
})
