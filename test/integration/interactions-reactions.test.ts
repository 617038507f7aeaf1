import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  dbReactionCounts,
  type InteractionWorld,
  nonZero,
  pool,
  postsPath,
  publish,
  seedFans,
  seedInteractionWorld,
} from './interactions.fixture.js'

/** Issue 4, reactions and views: one per member per post, exact under concurrency, membership rules. */
describe.each(testDatabases)('reactions and views on %s', (kind) => {
  let server: TestServer
  let w: InteractionWorld
  beforeAll(async () => {
    server = await startTestServer(kind)
    w = await seedInteractionWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('shows counts per emoji to everyone and the own reaction to the member; sets, changes and removes it', async () => {
    const post = await publish(w.creator, { text: 'Day 63 on set' })
    const path = `${postsPath()}/${post.id}`
    expect(post.reactions).toEqual({
      enabled: true,
      counts: ['❤️', '😂', '😮', '😢', '🔥', '👏'].map((emoji) => ({ emoji, count: 0 })),
      total: 0,
      mine: null,
    })
    expect((await w.fan.put(`${path}/reaction`, { emoji: '🔥' })).body).toEqual({
      emoji: '🔥',
      changed: true,
    })
    expect((await w.fan.put(`${path}/reaction`, { emoji: '🔥' })).body).toEqual({
      emoji: '🔥',
      changed: false,
    })
    // Without the emoji-presentation selector it is still the set's ❤️.
    expect((await w.fan2.put(`${path}/reaction`, { emoji: '❤' })).body).toEqual({ emoji: '❤️', changed: true })
    await w.fan2.put(`${path}/reaction`, { emoji: '🔥' })

    const mine = (await w.fan.get(path)).body.reactions
    expect(nonZero(mine.counts)).toEqual({ '🔥': 2 })
    expect(mine).toMatchObject({ total: 2, mine: '🔥' })
    const anonymous = (await w.anonymous.get(path)).body.reactions
    expect(anonymous).toMatchObject({ total: 2, mine: null })

    expect((await w.fan.put(`${path}/reaction`, { emoji: '😮' })).body.changed).toBe(true)
    expect((await w.fan2.delete(`${path}/reaction`)).status).toBe(204)
    expect((await w.fan2.delete(`${path}/reaction`)).status).toBe(204)
    const list = (await w.fan.get(postsPath())).body.items.find((p: { id: string }) => p.id === post.id)
    expect(nonZero(list.reactions.counts)).toEqual({ '😮': 1 })
    expect(list.reactions.mine).toBe('😮')
    expect(await dbReactionCounts(server, w.channel, post.id)).toEqual({ '😮': 1 })
  })

  it('keeps one reaction per member under 50 concurrent requests from that member', async () => {
    const post = await publish(w.creator, { text: 'Concurrency' })
    const path = `${postsPath()}/${post.id}/reaction`
    const emojis = ['❤️', '😂', '🔥']
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => w.fan.put(path, { emoji: emojis[i % emojis.length] })),
    )
    expect(results.every((r) => r.status === 200)).toBe(true)
    const rows = await server.ctx.db
      .selectFrom('post_reaction')
      .selectAll()
      .where('post_id', '=', post.id)
      .execute()
    expect(rows).toHaveLength(1)
    const view = (await w.fan.get(`${postsPath()}/${post.id}`)).body.reactions
    expect(view.total).toBe(1)
    expect(view.mine).toBe(rows[0]!.emoji)
  })

  it('gives exact totals when 500 members react at once', async () => {
    const post = await publish(w.creator, { text: 'Big moment' })
    const fans = await seedFans(server, w.channel, 500, 'crowd')
    const emojis = ['❤️', '😂', '😮', '😢', '🔥']
    const results = await pool(
      100,
      fans.map((f, i) => () => f.client.put(`${postsPath()}/${post.id}/reaction`, { emoji: emojis[i % 5] })),
    )
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    const view = (await w.anonymous.get(`${postsPath()}/${post.id}`)).body.reactions
    expect(view.total).toBe(500)
    expect(nonZero(view.counts)).toEqual({ '❤️': 100, '😂': 100, '😮': 100, '😢': 100, '🔥': 100 })
  })

  it('shows who reacted to staff only', async () => {
    const post = await publish(w.creator, { text: 'Who liked this?' })
    await w.fan.put(`${postsPath()}/${post.id}/reaction`, { emoji: '👏' })
    const stats = await w.moderator.get(`${postsPath()}/${post.id}/stats`)
    expect(stats.status).toBe(200)
    const clap = stats.body.reactions.byEmoji.find((e: { emoji: string }) => e.emoji === '👏')
    expect(clap).toEqual({ emoji: '👏', count: 1, recent: [{ handle: 'fan', displayName: 'fan' }] })
    const reactors = await w.creator.get(`${postsPath()}/${post.id}/reactions?emoji=👏`)
    expect(reactors.body.items).toMatchObject([{ handle: 'fan', emoji: '👏' }])
    expect((await w.fan2.get(`${postsPath()}/${post.id}/stats`)).body.code).toBe('not-allowed')
    expect((await w.fan2.get(`${postsPath()}/${post.id}/reactions`)).body.code).toBe('not-allowed')
    // The public post view has counts only, never accounts.
    expect(JSON.stringify((await w.fan2.get(`${postsPath()}/${post.id}`)).body)).not.toContain('"fan"')
  })

  it('follows the channel reaction set: another set, and reactions turned off', async () => {
    const post = await publish(w.creator, { text: 'Custom set' })
    const path = `${postsPath()}/${post.id}`
    await w.fan.put(`${path}/reaction`, { emoji: '🔥' })
    await server.ctx.db
      .updateTable('channel')
      .set({ reaction_set: JSON.stringify(['🎬', '🔥']) })
      .where('id', '=', w.channel.id)
      .execute()
    expect((await w.fan2.put(`${path}/reaction`, { emoji: '🎬' })).status).toBe(200)
    expect((await w.fan2.put(`${path}/reaction`, { emoji: '❤️' })).body.code).toBe('reaction-not-allowed')
    expect((await w.fan.get(path)).body.reactions.counts).toEqual([
      { emoji: '🎬', count: 1 },
      { emoji: '🔥', count: 1 },
    ])
    await server.ctx.db
      .updateTable('channel')
      .set({ reaction_set: '[]' })
      .where('id', '=', w.channel.id)
      .execute()
    expect((await w.fan.put(`${path}/reaction`, { emoji: '🔥' })).body.code).toBe('reactions-off')
    expect((await w.fan.get(path)).body.reactions).toEqual({
      enabled: false,
      counts: [],
      total: 0,
      mine: null,
    })
    await server.ctx.db
      .updateTable('channel')
      .set({ reaction_set: null })
      .where('id', '=', w.channel.id)
      .execute()
  })

  it('counts unique member viewers exactly and anonymous views approximately, without storing addresses', async () => {
    const post = await publish(w.creator, { text: 'Seen by many' })
    const path = `${postsPath()}/${post.id}/views`
    for (const c of [w.fan, w.fan, w.fan2, w.creator]) expect((await c.post(path)).status).toBe(204)
    // Two anonymous browsers (user agents) on one address, each twice; a logged-in non-member once.
    for (const ua of ['browser-a', 'browser-a', 'browser-b', 'browser-b']) {
      expect((await w.anonymous.post(path, undefined, { 'user-agent': ua })).status).toBe(204)
    }
    await w.outsider.post(path)
    await server.ctx.interactions.flushAnonymousViews()
    const stats = (await w.owner.get(`${postsPath()}/${post.id}/stats`)).body.views
    expect(stats).toEqual({ members: 3, anonymous: 3, total: 6 })
    expect((await w.anonymous.get(`${postsPath()}/${post.id}`)).body.views).toBe(6)
    const stored = JSON.stringify(
      await server.ctx.db.selectFrom('post_anonymous_views').selectAll().execute(),
    )
    expect(stored).not.toMatch(/127\.0\.0\.1|browser-a|::1/)
  })

  it('stops counting a member who leaves or is banned, keeps counting a muted one (documented rules)', async () => {
    const post = await publish(w.creator, { text: 'Membership rules' })
    const path = `${postsPath()}/${post.id}`
    const [leaver, banned, muted] = await seedFans(server, w.channel, 3, 'rules')
    for (const f of [leaver!, banned!, muted!]) {
      expect((await f.client.put(`${path}/reaction`, { emoji: '❤️' })).status).toBe(200)
      await f.client.post(`${path}/views`)
    }
    expect((await w.fan.get(path)).body).toMatchObject({ reactions: { total: 3 }, views: 3 })

    expect((await muted!.client.patch('/api/v1/channels/set-diary/members/me', { muted: true })).status).toBe(
      200,
    )
    expect((await leaver!.client.delete('/api/v1/channels/set-diary/members/me')).status).toBe(204)
    expect((await w.moderator.put(`/api/v1/channels/set-diary/bans/${banned!.handle}`, {})).status).toBe(200)

    const after = (await w.fan.get(path)).body
    expect(after).toMatchObject({ reactions: { total: 1 }, views: 1 })
    expect((await w.owner.get(`${path}/stats`)).body.reactions.byEmoji[0].recent).toEqual([
      { handle: muted!.handle, displayName: `Fan ${muted!.handle}` },
    ])
    // The ex-member can no longer react; a banned one is refused as banned.
    expect((await leaver!.client.put(`${path}/reaction`, { emoji: '🔥' })).body.code).toBe('not-a-member')
    expect((await banned!.client.put(`${path}/reaction`, { emoji: '🔥' })).body.code).toBe('banned')
    // Rejoining brings the old reaction back: one per member, whatever happened in between.
    expect((await leaver!.client.post('/api/v1/channels/set-diary/members', {})).status).toBe(201)
    expect((await w.fan.get(path)).body).toMatchObject({ reactions: { total: 2 }, views: 2 })
  })
})
