import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResponse } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  auditActions,
  type Cast,
  channelTables,
  recordAccessChanges,
  scopedClient,
  seedCast,
  stageChannel,
} from './channels.fixture.js'

const DEFAULT_REACTIONS = ['❤️', '😂', '😮', '😢', '🔥', '👏']

describe.each(testDatabases)('channels on %s', (kind) => {
  let server: TestServer
  let cast: Cast
  let n = 0
  const stage = (options?: Parameters<typeof stageChannel>[3]) =>
    stageChannel(server, cast, `lot-${++n}`, options)

  beforeAll(async () => {
    server = await startTestServer(kind)
    cast = await seedCast(server)
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('creates a channel whose creator is its owner', async () => {
    const res = await cast.clients.fan.post('/api/v1/channels', {
      slug: 'Night-Shoot',
      title: '  Night shoot  ',
      description: 'Weeks 11–14 from the set',
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      slug: 'night-shoot',
      title: 'Night shoot',
      description: 'Weeks 11–14 from the set',
      visibility: 'public',
      joinPolicy: 'open',
      reactionSet: DEFAULT_REACTIONS,
      memberCount: 1,
      archived: false,
      viewer: {
        role: 'owner',
        isMember: true,
        muted: false,
        notifyLevel: 'all',
        isBanned: false,
        joinRequest: null,
      },
    })
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt)
    const taken = await cast.clients.outsider.post('/api/v1/channels', { slug: 'NIGHT-shoot', title: 'Copy' })
    expect(taken.status).toBe(409)
    expect(taken.body.code).toBe('slug-taken')
    const anon = await cast.clients.anonymous.get('/api/v1/channels/night-shoot')
    expect(anon.body.viewer).toEqual({
      role: null,
      isMember: false,
      muted: false,
      notifyLevel: null,
      isBanned: false,
      joinRequest: null,
    })
  })

  it('refuses bad channel input with a problem and changes nothing', async () => {
    const before = await channelTables(server)
    const { fan } = cast.clients
    const cases: [ApiResponse, number, string, string?][] = [
      [await fan.post('/api/v1/channels', { slug: 'ab', title: 'x' }), 422, 'validation', '/slug'],
      [await fan.post('/api/v1/channels', { slug: 'has space', title: 'x' }), 422, 'validation', '/slug'],
      [await fan.post('/api/v1/channels', { slug: '-dash', title: 'x' }), 422, 'validation', '/slug'],
      [await fan.post('/api/v1/channels', { slug: 'x'.repeat(41), title: 'x' }), 422, 'validation', '/slug'],
      [await fan.post('/api/v1/channels', { slug: 'API', title: 'x' }), 422, 'validation', '/slug'],
      [await fan.post('/api/v1/channels', { slug: 'embed', title: 'x' }), 422, 'validation', '/slug'],
      [await fan.post('/api/v1/channels', { slug: 'good-one', title: '' }), 422, 'validation', '/title'],
      [await fan.post('/api/v1/channels', { slug: 'good-one', title: '   ' }), 422, 'validation', '/title'],
      [
        await fan.post('/api/v1/channels', { slug: 'good-one', title: 'x'.repeat(101) }),
        422,
        'validation',
        '/title',
      ],
      [await fan.post('/api/v1/channels', { slug: 'good-one', title: 7 }), 422, 'validation', '/title'],
      [
        await fan.post('/api/v1/channels', { slug: 'good-one', title: 'x', owner: 'me' }),
        422,
        'validation',
        '/owner',
      ],
      [
        await fan.post('/api/v1/channels', { slug: 'good-one', title: 'x', visibility: 'secret' }),
        422,
        'validation',
      ],
      [
        await fan.post('/api/v1/channels', { slug: 'good-one', title: 'x', joinPolicy: 'closed' }),
        422,
        'validation',
      ],
      [
        await fan.post('/api/v1/channels', { slug: 'good-one', title: 'x', description: 'd'.repeat(1001) }),
        422,
        'validation',
      ],
      [await fan.post('/api/v1/channels', []), 422, 'validation'],
      [
        await cast.clients.anonymous.post('/api/v1/channels', { slug: 'good-one', title: 'x' }),
        401,
        'unauthenticated',
      ],
    ]
    for (const [res, status, code, field] of cases) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code })
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field)
    }
    expect(await channelTables(server)).toEqual(before)
  })

  it('needs the channel:admin scope to create a channel with a token', async () => {
    const reader = await scopedClient(server, cast.accounts.fan.account.id, 'read')
    const res = await reader.post('/api/v1/channels', { slug: 'read-only', title: 'x' })
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('insufficient-scope')
    expect((await reader.get('/api/v1/channels')).status).toBe(200)
  })

  it('updates settings: appends channel.updated and an audit entry', async () => {
    const { channel } = await stage()
    const res = await cast.clients.admin.patch(`/api/v1/channels/${channel.slug}`, {
      title: 'Chapter 8',
      description: 'The last chapter',
      joinPolicy: 'request',
      reactionSet: ['🎬', '🔥', '👨‍👩‍👧', '🇮🇸', '1️⃣'],
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      title: 'Chapter 8',
      joinPolicy: 'request',
      reactionSet: ['🎬', '🔥', '👨‍👩‍👧', '🇮🇸', '1️⃣'],
      viewer: { role: 'admin' },
    })
    const events = await server.ctx.db
      .selectFrom('channel_event')
      .selectAll()
      .where('channel_id', '=', channel.id)
      .execute()
    expect(events).toHaveLength(1)
    expect(events[0]!.type).toBe('channel.updated')
    const data = JSON.parse(events[0]!.data)
    expect(data).toMatchObject({ slug: channel.slug, title: 'Chapter 8', memberCount: 7 })
    expect(data).not.toHaveProperty('viewer')
    expect((await auditActions(server, channel)).at(-1)).toMatchObject({
      action: 'channel.updated',
      details: { changes: { title: 'Chapter 8', joinPolicy: 'request' } },
    })

    const off = await cast.clients.owner.patch(`/api/v1/channels/${channel.slug}`, { reactionSet: [] })
    expect(off.body.reactionSet).toEqual([])
    const reset = await cast.clients.owner.patch(`/api/v1/channels/${channel.slug}`, { reactionSet: null })
    expect(reset.body.reactionSet).toEqual(DEFAULT_REACTIONS)
  })

  it('refuses bad settings and changes nothing', async () => {
    const { channel } = await stage()
    const before = await channelTables(server)
    const { owner } = cast.clients
    const path = `/api/v1/channels/${channel.slug}`
    const statuses = [
      await owner.patch(path, {}),
      await owner.patch(path, { reactionSet: ['🔥', '🔥'] }),
      await owner.patch(path, { reactionSet: ['a'] }),
      await owner.patch(path, { reactionSet: ['🔥🔥'] }),
      await owner.patch(path, {
        reactionSet: Array.from({ length: 13 }, (_, i) => String.fromCodePoint(0x1f600 + i)),
      }),
      await owner.patch(path, { slug: 'renamed' }),
      await owner.patch(path, { visibility: 'hidden' }),
      await owner.patch(path, { title: null }),
      await owner.patch('/api/v1/channels/no-such-channel', { title: 'x' }),
    ].map((r) => r.status)
    expect(statuses).toEqual([422, 422, 422, 422, 422, 422, 422, 422, 404])
    expect(await channelTables(server)).toEqual(before)
  })

  it('archives: no joins or invites until unarchived', async () => {
    const { channel } = await stage()
    const path = `/api/v1/channels/${channel.slug}`
    const archived = await cast.clients.admin.put(`${path}/archive`)
    expect(archived.body.archived).toBe(true)
    expect((await cast.clients.outsider.post(`${path}/members`)).body.code).toBe('channel-archived')
    expect((await cast.clients.owner.post(`${path}/invites`, {})).body.code).toBe('channel-archived')
    expect((await cast.clients.outsider.get(path)).body.archived).toBe(true)
    const restored = await cast.clients.admin.delete(`${path}/archive`)
    expect(restored.body.archived).toBe(false)
    expect((await cast.clients.outsider.post(`${path}/members`)).status).toBe(201)
    const types = await server.ctx.db
      .selectFrom('channel_event')
      .select('type')
      .where('channel_id', '=', channel.id)
      .execute()
    expect(types.map((t) => t.type)).toEqual(['channel.updated', 'channel.updated'])
    const actions = (await auditActions(server, channel)).map((a) => a.action)
    expect(actions).toEqual(expect.arrayContaining(['channel.archived', 'channel.unarchived']))
  })

  it('deletes the channel (owner only) and ends every member’s access', async () => {
    const changes = await recordAccessChanges(server)
    const { channel } = await stage()
    const post = await cast.clients.creator.post(`/api/v1/channels/${channel.slug}/posts`, {
      text: 'Day 61 wrap',
    })
    expect(post.status).toBe(201)
    expect((await cast.clients.owner.delete(`/api/v1/channels/${channel.slug}`)).status).toBe(204)
    expect((await cast.clients.owner.get(`/api/v1/channels/${channel.slug}`)).status).toBe(404)
    const ended = changes.filter((c) => c.channelId === channel.id)
    expect(ended).toHaveLength(7)
    expect(new Set(ended.map((c) => c.reason))).toEqual(new Set(['channel-deleted']))
    const left = await server.ctx.db
      .selectFrom('channel_member')
      .select('account_id')
      .where('channel_id', '=', channel.id)
      .execute()
    expect(left).toEqual([])
    const posts = await server.ctx.db
      .selectFrom('post')
      .select('id')
      .where('channel_id', '=', channel.id)
      .execute()
    expect(posts).toEqual([])
  })

  it('keeps a private channel invisible to outsiders and anonymous visitors', async () => {
    const { channel, inviteId } = await stage({ visibility: 'private' })
    const slug = channel.slug
    const { outsider, anonymous, fan } = cast.clients
    const hidden = [
      await outsider.get(`/api/v1/channels/${slug}`),
      await anonymous.get(`/api/v1/channels/${slug}`),
      await outsider.get(`/api/v1/channels/${slug}/members`),
      await outsider.get(`/api/v1/channels/${slug}/invites`),
      await outsider.delete(`/api/v1/channels/${slug}/invites/${inviteId}`),
      await outsider.get(`/api/v1/channels/${slug}/join-requests`),
      await outsider.get(`/api/v1/channels/${slug}/bans`),
      await outsider.get(`/api/v1/channels/${slug}/audit-log`),
      await outsider.patch(`/api/v1/channels/${slug}`, { title: 'x' }),
      await outsider.put(`/api/v1/channels/${slug}/bans/fan`),
      await outsider.put(`/api/v1/channels/${slug}/roles/outsider`, { role: 'creator' }),
      await outsider.patch(`/api/v1/channels/${slug}/members/me`, { muted: true }),
      await outsider.delete(`/api/v1/channels/${slug}/members/me`),
      await outsider.post(`/api/v1/channels/${slug}/members`),
    ]
    for (const res of hidden) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'channel-not-found' })
    }
    // The same answer as for a channel that does not exist, down to the wording.
    const missing = await outsider.get('/api/v1/channels/no-such-lot')
    expect(hidden[0]!.body.detail).toBe(`No channel "${slug}".`)
    expect(missing.body.detail).toBe('No channel "no-such-lot".')

    const publicList = await anonymous.get('/api/v1/channels?limit=100')
    expect(publicList.body.items.map((c: { slug: string }) => c.slug)).not.toContain(slug)
    expect(
      (await outsider.get('/api/v1/channels?member=me')).body.items.map((c: { slug: string }) => c.slug),
    ).not.toContain(slug)
    const mine = await fan.get('/api/v1/channels?member=me&limit=100')
    expect(mine.body.items.map((c: { slug: string }) => c.slug)).toContain(slug)
    expect((await fan.get(`/api/v1/channels/${slug}`)).status).toBe(200)
  })

  it('lists public channels newest first, page by page, without unlisted ones', async () => {
    const { channel: unlisted } = await stage({ visibility: 'unlisted' })
    const { channel: older } = await stage()
    const { channel: newer } = await stage()
    const first = await cast.clients.anonymous.get('/api/v1/channels?limit=1')
    expect(first.body.items.map((c: { slug: string }) => c.slug)).toEqual([newer.slug])
    expect(first.body.items[0]).not.toHaveProperty('membership')
    const second = await cast.clients.anonymous.get(
      `/api/v1/channels?limit=1&cursor=${first.body.nextCursor}`,
    )
    expect(second.body.items.map((c: { slug: string }) => c.slug)).toEqual([older.slug])
    const all = await cast.clients.anonymous.get('/api/v1/channels?limit=100')
    expect(all.body.items.map((c: { slug: string }) => c.slug)).not.toContain(unlisted.slug)
    expect((await cast.clients.anonymous.get(`/api/v1/channels/${unlisted.slug}`)).status).toBe(200)
    expect((await cast.clients.anonymous.get('/api/v1/channels?member=me')).status).toBe(401)
    expect((await cast.clients.anonymous.get('/api/v1/channels?member=you')).status).toBe(422)
    expect((await cast.clients.anonymous.get('/api/v1/channels?limit=0')).status).toBe(422)
  })

  it('reads the audit log newest first with actor and target handles, page by page', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    await cast.clients.owner.put(`/api/v1/channels/${slug}/roles/fan`, { role: 'moderator' })
    await cast.clients.moderator.put(`/api/v1/channels/${slug}/bans/victim`, { reason: 'spoilers' })
    const page = await cast.clients.admin.get(`/api/v1/channels/${slug}/audit-log?limit=1`)
    expect(page.body.items).toEqual([
      expect.objectContaining({
        actorHandle: 'moderator',
        action: 'member.banned',
        targetHandle: 'victim',
        details: { reason: 'spoilers', role: null, wasMember: true },
      }),
    ])
    const next = await cast.clients.admin.get(
      `/api/v1/channels/${slug}/audit-log?limit=1&cursor=${page.body.nextCursor}`,
    )
    expect(next.body.items[0]).toMatchObject({
      actorHandle: 'owner',
      action: 'role.granted',
      targetHandle: 'fan',
      details: { oldRole: null, newRole: 'moderator' },
    })
  })

  it('documents every channel route in the OpenAPI document', async () => {
    const doc = (await cast.clients.anonymous.get('/api/v1/openapi.json')).body
    for (const path of [
      '/api/v1/channels',
      '/api/v1/channels/{slug}',
      '/api/v1/channels/{slug}/archive',
      '/api/v1/channels/{slug}/roles/{handle}',
      '/api/v1/channels/{slug}/members',
      '/api/v1/channels/{slug}/members/me',
      '/api/v1/channels/{slug}/invites/{id}',
      '/api/v1/channels/{slug}/join-requests/{handle}/approve',
      '/api/v1/channels/{slug}/bans/{handle}',
      '/api/v1/channels/{slug}/audit-log',
    ]) {
      expect(doc.paths).toHaveProperty([path])
    }
  })
})
