import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  auditActions,
  type Cast,
  channelTables,
  manualClock,
  recordAccessChanges,
  roleOf,
  seedCast,
  stageChannel,
} from './channels.fixture.js'

describe.each(testDatabases)('channel membership on %s', (kind) => {
  let server: TestServer
  let cast: Cast
  let accessChanges: Awaited<ReturnType<typeof recordAccessChanges>>
  const clock = manualClock()
  let n = 0
  const stage = (options?: Parameters<typeof stageChannel>[3]) =>
    stageChannel(server, cast, `crew-${++n}`, options)
  const newFan = async () => cast.as((await seedAccount(server.ctx, `joiner${++n}`)).token)

  beforeAll(async () => {
    server = await startTestServer(kind, { overrides: { clock } })
    cast = await seedCast(server)
    accessChanges = await recordAccessChanges(server)
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('joins an open channel, sets notifications, and leaves', async () => {
    const { channel } = await stage()
    const fan = await newFan()
    const joined = await fan.post(`/api/v1/channels/${channel.slug}/members`)
    expect(joined.status).toBe(201)
    expect(joined.body.status).toBe('joined')
    expect(joined.body.channel.viewer).toMatchObject({ isMember: true, role: null, notifyLevel: 'all' })
    expect((await fan.post(`/api/v1/channels/${channel.slug}/members`)).body.code).toBe('already-member')

    const settings = await fan.patch(`/api/v1/channels/${channel.slug}/members/me`, {
      muted: true,
      notifyLevel: 'highlights',
    })
    expect(settings.body).toMatchObject({ muted: true, notifyLevel: 'highlights', role: null })
    const mine = await fan.get('/api/v1/channels?member=me')
    expect(mine.body.items).toHaveLength(1)
    expect(mine.body.items[0]).toMatchObject({
      slug: channel.slug,
      membership: { role: null, muted: true, notifyLevel: 'highlights' },
    })

    expect((await fan.delete(`/api/v1/channels/${channel.slug}/members/me`)).status).toBe(204)
    expect((await fan.get('/api/v1/channels?member=me')).body.items).toEqual([])
    expect(accessChanges.at(-1)).toMatchObject({ channelId: channel.id, reason: 'left' })
    expect((await fan.delete(`/api/v1/channels/${channel.slug}/members/me`)).body.code).toBe('not-a-member')
  })

  it('the owner cannot leave', async () => {
    const { channel } = await stage()
    const res = await cast.clients.owner.delete(`/api/v1/channels/${channel.slug}/members/me`)
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('owner-cannot-leave')
    expect(await roleOf(server, channel, cast.accounts.owner.account.id)).toBe('owner')
  })

  it('an invite-policy channel needs an invite; a one-use link works once', async () => {
    const { channel } = await stage({ joinPolicy: 'invite' })
    const slug = channel.slug
    const created = await cast.clients.admin.post(`/api/v1/channels/${slug}/invites`, { maxUses: 1 })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ maxUses: 1, uses: 0, expiresAt: null, revoked: false })
    expect(created.body.url).toBe(`${server.url}/join/${slug}?invite=${created.body.token}`)

    const first = await newFan()
    expect((await first.post(`/api/v1/channels/${slug}/members`)).body.code).toBe('invite-required')
    expect((await first.post(`/api/v1/channels/${slug}/members`, { invite: 'forged' })).body.code).toBe(
      'invite-invalid',
    )
    const ok = await first.post(`/api/v1/channels/${slug}/members`, { invite: created.body.token })
    expect(ok.status).toBe(201)
    const second = await (await newFan()).post(`/api/v1/channels/${slug}/members`, {
      invite: created.body.token,
    })
    expect(second.status).toBe(403)
    expect(second.body.code).toBe('invite-invalid')

    const list = await cast.clients.owner.get(`/api/v1/channels/${slug}/invites`)
    const listed = list.body.items.find((i: { id: string }) => i.id === created.body.id)
    expect(listed).toMatchObject({ uses: 1, maxUses: 1 })
    expect(listed).not.toHaveProperty('token')
    expect((await auditActions(server, channel)).map((a) => a.action)).toContain('invite.created')
  })

  it('two joiners racing for the last use of a link: exactly one gets in', async () => {
    const { channel } = await stage({ joinPolicy: 'invite' })
    const invite = await cast.clients.owner.post(`/api/v1/channels/${channel.slug}/invites`, { maxUses: 1 })
    const joiners = await Promise.all([newFan(), newFan(), newFan()])
    const results = await Promise.all(
      joiners.map((j) => j.post(`/api/v1/channels/${channel.slug}/members`, { invite: invite.body.token })),
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403])
    const row = await server.ctx.db
      .selectFrom('channel_invite')
      .select('uses')
      .where('id', '=', invite.body.id)
      .executeTakeFirstOrThrow()
    expect(row.uses).toBe(1)
  })

  it('an invite expires on time and a revoked invite stops working', async () => {
    const { channel } = await stage({ joinPolicy: 'invite' })
    const slug = channel.slug
    const timed = await cast.clients.owner.post(`/api/v1/channels/${slug}/invites`, {
      expiresInSeconds: 3600,
    })
    expect(timed.body.expiresAt).toBe(new Date(clock.now() + 3_600_000).toISOString())
    clock.advance(3_599_000)
    expect(
      (await (await newFan()).post(`/api/v1/channels/${slug}/members`, { invite: timed.body.token })).status,
    ).toBe(201)
    clock.advance(1_000)
    const late = await (await newFan()).post(`/api/v1/channels/${slug}/members`, { invite: timed.body.token })
    expect(late.body.code).toBe('invite-invalid')

    const revoked = await cast.clients.owner.post(`/api/v1/channels/${slug}/invites`, {})
    expect(
      (await cast.clients.admin.delete(`/api/v1/channels/${slug}/invites/${revoked.body.id}`)).status,
    ).toBe(204)
    const refused = await (await newFan()).post(`/api/v1/channels/${slug}/members`, {
      invite: revoked.body.token,
    })
    expect(refused.body.code).toBe('invite-invalid')
    const listed = await cast.clients.owner.get(`/api/v1/channels/${slug}/invites`)
    expect(listed.body.items.find((i: { id: string }) => i.id === revoked.body.id).revoked).toBe(true)
    expect((await cast.clients.owner.delete(`/api/v1/channels/${slug}/invites/01NOPE`)).body.code).toBe(
      'invite-not-found',
    )
    expect((await auditActions(server, channel)).map((a) => a.action)).toContain('invite.revoked')
  })

  it('an invite of one channel does not open another', async () => {
    const { channel: a } = await stage({ joinPolicy: 'invite' })
    const { channel: b } = await stage({ joinPolicy: 'invite' })
    const invite = await cast.clients.owner.post(`/api/v1/channels/${a.slug}/invites`, {})
    const res = await (await newFan()).post(`/api/v1/channels/${b.slug}/members`, {
      invite: invite.body.token,
    })
    expect(res.body.code).toBe('invite-invalid')
  })

  it('a join request is filed, seen by the requester, and approved', async () => {
    const { channel } = await stage({ joinPolicy: 'request' })
    const slug = channel.slug
    const fan = await newFan()
    const asked = await fan.post(`/api/v1/channels/${slug}/members`, { message: 'I run the fan wiki' })
    expect(asked.status).toBe(202)
    expect(asked.body.status).toBe('requested')
    expect(asked.body.channel.viewer).toMatchObject({
      isMember: false,
      joinRequest: { status: 'pending', message: 'I run the fan wiki', decidedAt: null },
    })
    // Asking again keeps the one pending request.
    expect((await fan.post(`/api/v1/channels/${slug}/members`)).status).toBe(202)
    const pending = await cast.clients.admin.get(`/api/v1/channels/${slug}/join-requests`)
    const handles = pending.body.items.map((r: { handle: string }) => r.handle)
    expect(handles).toEqual(['requester', `joiner${n}`])

    const approved = await cast.clients.admin.post(
      `/api/v1/channels/${slug}/join-requests/joiner${n}/approve`,
    )
    expect(approved.body).toMatchObject({ handle: `joiner${n}`, status: 'approved' })
    const view = await fan.get(`/api/v1/channels/${slug}`)
    expect(view.body.viewer).toMatchObject({ isMember: true, joinRequest: { status: 'approved' } })
    expect(
      (await cast.clients.admin.post(`/api/v1/channels/${slug}/join-requests/joiner${n}/approve`)).body.code,
    ).toBe('join-request-not-found')
    expect((await auditActions(server, channel)).map((a) => a.action)).toContain('join-request.approved')
  })

  it('a rejected request leaves the account outside and shows as rejected', async () => {
    const { channel } = await stage({ joinPolicy: 'request' })
    const rejected = await cast.clients.owner.post(
      `/api/v1/channels/${channel.slug}/join-requests/requester/reject`,
    )
    expect(rejected.body).toMatchObject({ status: 'rejected' })
    expect(await roleOf(server, channel, cast.accounts.requester.account.id)).toBe('not-a-member')
    const view = await cast.as(cast.accounts.requester.token).get(`/api/v1/channels/${channel.slug}`)
    expect(view.body.viewer).toMatchObject({ isMember: false, joinRequest: { status: 'rejected' } })
    const pending = await cast.clients.owner.get(`/api/v1/channels/${channel.slug}/join-requests`)
    expect(pending.body.items).toEqual([])
  })

  it('a valid invite skips the request queue', async () => {
    const { channel } = await stage({ joinPolicy: 'request' })
    const invite = await cast.clients.owner.post(`/api/v1/channels/${channel.slug}/invites`, {})
    const res = await (await newFan()).post(`/api/v1/channels/${channel.slug}/members`, {
      invite: invite.body.token,
    })
    expect(res.status).toBe(201)
  })

  it('a private channel is joinable only with an invite; a bad invite reveals nothing', async () => {
    const { channel } = await stage({ visibility: 'private' })
    const fan = await newFan()
    expect((await fan.post(`/api/v1/channels/${channel.slug}/members`)).body.code).toBe('channel-not-found')
    expect((await fan.post(`/api/v1/channels/${channel.slug}/members`, { invite: 'guess' })).body.code).toBe(
      'channel-not-found',
    )
    const invite = await cast.clients.owner.post(`/api/v1/channels/${channel.slug}/invites`, {})
    expect(
      (await fan.post(`/api/v1/channels/${channel.slug}/members`, { invite: invite.body.token })).status,
    ).toBe(201)
    expect((await fan.get(`/api/v1/channels/${channel.slug}`)).body.viewer.isMember).toBe(true)
  })

  it('a banned account is removed, cannot rejoin, and is told so', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    const victim = cast.as(cast.accounts.victim.token)
    const banned = await cast.clients.moderator.put(`/api/v1/channels/${slug}/bans/victim`, {
      reason: 'leaked set photos',
    })
    expect(banned.body).toMatchObject({
      handle: 'victim',
      reason: 'leaked set photos',
      bannedBy: 'moderator',
    })
    expect(accessChanges.at(-1)).toEqual({
      channelId: channel.id,
      accountId: cast.accounts.victim.account.id,
      reason: 'banned',
    })
    expect(await roleOf(server, channel, cast.accounts.victim.account.id)).toBe('not-a-member')
    const rejoin = await victim.post(`/api/v1/channels/${slug}/members`)
    expect(rejoin.status).toBe(403)
    expect(rejoin.body.code).toBe('banned')
    expect((await victim.get(`/api/v1/channels/${slug}`)).body.viewer).toMatchObject({
      isBanned: true,
      isMember: false,
    })

    const bans = await cast.clients.admin.get(`/api/v1/channels/${slug}/bans`)
    expect(bans.body.items.map((b: { handle: string }) => b.handle).sort()).toEqual(['banned', 'victim'])
    expect((await auditActions(server, channel)).at(-1)).toEqual({
      action: 'member.banned',
      details: { reason: 'leaked set photos', role: null, wasMember: true },
    })

    expect((await cast.clients.moderator.delete(`/api/v1/channels/${slug}/bans/victim`)).status).toBe(204)
    expect((await victim.post(`/api/v1/channels/${slug}/members`)).status).toBe(201)
    expect((await auditActions(server, channel)).map((a) => a.action)).toContain('member.unbanned')
  })

  it('a banned account cannot read a private channel either', async () => {
    const { channel } = await stage({ visibility: 'private' })
    await cast.clients.owner.put(`/api/v1/channels/${channel.slug}/bans/fan`)
    const res = await cast.clients.fan.get(`/api/v1/channels/${channel.slug}`)
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('banned')
  })

  it('staff remove a member, who may rejoin an open channel', async () => {
    const { channel } = await stage()
    const res = await cast.clients.moderator.delete(`/api/v1/channels/${channel.slug}/members/victim`)
    expect(res.status).toBe(204)
    expect(accessChanges.at(-1)).toMatchObject({ channelId: channel.id, reason: 'removed' })
    expect((await auditActions(server, channel)).at(-1)).toEqual({
      action: 'member.removed',
      details: { role: null },
    })
    expect(
      (await cast.clients.moderator.delete(`/api/v1/channels/${channel.slug}/members/victim`)).body.code,
    ).toBe('member-not-found')
    expect(
      (await cast.as(cast.accounts.victim.token).post(`/api/v1/channels/${channel.slug}/members`)).status,
    ).toBe(201)
  })

  it('lists members for staff, page by page', async () => {
    const { channel } = await stage()
    const first = await cast.clients.moderator.get(`/api/v1/channels/${channel.slug}/members?limit=4`)
    expect(first.body.items).toHaveLength(4)
    expect(first.body.items[0]).toMatchObject({ handle: 'owner', role: 'owner', displayName: 'owner' })
    const rest = await cast.clients.moderator.get(
      `/api/v1/channels/${channel.slug}/members?limit=4&cursor=${first.body.nextCursor}`,
    )
    expect(rest.body.nextCursor).toBeNull()
    const all = [...first.body.items, ...rest.body.items].map((m: { handle: string }) => m.handle)
    expect(all.sort()).toEqual(['admin', 'creator', 'fan', 'moderator', 'owner', 'stafftarget', 'victim'])
    // One answer to a bad cursor on every list (test/integration/pagination.test.ts); it was 400 here.
    expect(
      (await cast.clients.moderator.get(`/api/v1/channels/${channel.slug}/members?cursor=junk`)).status,
    ).toBe(422)
  })

  it('bad join and settings input is refused and changes nothing', async () => {
    const { channel } = await stage({ joinPolicy: 'request' })
    const slug = channel.slug
    const fan = cast.clients.fan
    const outsider = cast.clients.outsider
    const before = await channelTables(server)
    const cases = [
      [await outsider.post(`/api/v1/channels/${slug}/members`, { invite: 5 }), 422],
      [await outsider.post(`/api/v1/channels/${slug}/members`, { message: 'x'.repeat(501) }), 422],
      [await outsider.post(`/api/v1/channels/${slug}/members`, { nickname: 'x' }), 422],
      [await outsider.post(`/api/v1/channels/${slug}/members`, '{"message":'), 400],
      [await fan.patch(`/api/v1/channels/${slug}/members/me`, { notifyLevel: 'loud' }), 422],
      [await fan.patch(`/api/v1/channels/${slug}/members/me`, { muted: 'yes' }), 422],
      [await fan.patch(`/api/v1/channels/${slug}/members/me`, {}), 422],
      [await outsider.patch(`/api/v1/channels/${slug}/members/me`, { muted: true }), 403],
      [await outsider.post('/api/v1/channels/no-such-channel/members'), 404],
      [await cast.clients.admin.post(`/api/v1/channels/${slug}/invites`, { maxUses: 0 }), 422],
      [await cast.clients.admin.post(`/api/v1/channels/${slug}/invites`, { expiresInSeconds: 10 }), 422],
      [await cast.clients.admin.put(`/api/v1/channels/${slug}/bans/fan`, { reason: 'x'.repeat(501) }), 422],
      [await cast.clients.admin.put(`/api/v1/channels/${slug}/bans/nobody`), 404],
      [await cast.clients.admin.post(`/api/v1/channels/${slug}/join-requests/fan/approve`), 404],
      [await cast.clients.anonymous.post(`/api/v1/channels/${slug}/members`), 401],
    ] as const
    expect(cases.map(([res]) => res.status)).toEqual(cases.map(([, status]) => status))
    for (const [res] of cases) expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(await channelTables(server)).toEqual(before)
  })
})
