import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResponse, Client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  auditActions,
  type Cast,
  channelTables,
  roleOf,
  seedCast,
  stageChannel,
  type ViewerKind,
  viewers,
} from './channels.fixture.js'

type Staged = Awaited<ReturnType<typeof stageChannel>>
type Row = [
  owner: number,
  admin: number,
  creator: number,
  moderator: number,
  fan: number,
  outsider: number,
  anonymous: number,
]

/**
 * The role matrix: every channel action, tried by every kind of viewer on a fresh public channel,
 * with the status each must get. Columns: owner, admin, creator, moderator, fan, outsider, anonymous.
 */
const matrix: [string, (c: Client, s: Staged) => Promise<ApiResponse>, Row][] = [
  [
    'read channel',
    (c, s) => c.get(`/api/v1/channels/${s.channel.slug}`),
    [200, 200, 200, 200, 200, 200, 200],
  ],
  [
    'update',
    (c, s) => c.patch(`/api/v1/channels/${s.channel.slug}`, { title: 'New' }),
    [200, 200, 403, 403, 403, 403, 401],
  ],
  [
    'archive',
    (c, s) => c.put(`/api/v1/channels/${s.channel.slug}/archive`),
    [200, 200, 403, 403, 403, 403, 401],
  ],
  ['delete', (c, s) => c.delete(`/api/v1/channels/${s.channel.slug}`), [204, 403, 403, 403, 403, 403, 401]],
  [
    'grant role',
    (c, s) => c.put(`/api/v1/channels/${s.channel.slug}/roles/victim`, { role: 'moderator' }),
    [200, 200, 403, 403, 403, 403, 401],
  ],
  [
    'remove role',
    (c, s) => c.delete(`/api/v1/channels/${s.channel.slug}/roles/stafftarget`),
    [200, 200, 403, 403, 403, 403, 401],
  ],
  [
    'create invite',
    (c, s) => c.post(`/api/v1/channels/${s.channel.slug}/invites`, { maxUses: 5 }),
    [201, 201, 403, 403, 403, 403, 401],
  ],
  [
    'list invites',
    (c, s) => c.get(`/api/v1/channels/${s.channel.slug}/invites`),
    [200, 200, 403, 403, 403, 403, 401],
  ],
  [
    'revoke invite',
    (c, s) => c.delete(`/api/v1/channels/${s.channel.slug}/invites/${s.inviteId}`),
    [204, 204, 403, 403, 403, 403, 401],
  ],
  [
    'list requests',
    (c, s) => c.get(`/api/v1/channels/${s.channel.slug}/join-requests`),
    [200, 200, 403, 403, 403, 403, 401],
  ],
  [
    'approve request',
    (c, s) => c.post(`/api/v1/channels/${s.channel.slug}/join-requests/requester/approve`),
    [200, 200, 403, 403, 403, 403, 401],
  ],
  [
    'reject request',
    (c, s) => c.post(`/api/v1/channels/${s.channel.slug}/join-requests/requester/reject`),
    [200, 200, 403, 403, 403, 403, 401],
  ],
  [
    'ban',
    (c, s) => c.put(`/api/v1/channels/${s.channel.slug}/bans/victim`, { reason: 'spam' }),
    [200, 200, 403, 200, 403, 403, 401],
  ],
  [
    'unban',
    (c, s) => c.delete(`/api/v1/channels/${s.channel.slug}/bans/banned`),
    [204, 204, 403, 204, 403, 403, 401],
  ],
  [
    'list bans',
    (c, s) => c.get(`/api/v1/channels/${s.channel.slug}/bans`),
    [200, 200, 403, 200, 403, 403, 401],
  ],
  [
    'list members',
    (c, s) => c.get(`/api/v1/channels/${s.channel.slug}/members`),
    [200, 200, 403, 200, 403, 403, 401],
  ],
  [
    'remove member',
    (c, s) => c.delete(`/api/v1/channels/${s.channel.slug}/members/victim`),
    [204, 204, 403, 204, 403, 403, 401],
  ],
  [
    'read audit log',
    (c, s) => c.get(`/api/v1/channels/${s.channel.slug}/audit-log`),
    [200, 200, 403, 403, 403, 403, 401],
  ],
]

describe.each(testDatabases)('channel roles on %s', (kind) => {
  let server: TestServer
  let cast: Cast
  let n = 0
  const stage = (options?: Parameters<typeof stageChannel>[3]) =>
    stageChannel(server, cast, `set-${++n}`, options)

  beforeAll(async () => {
    server = await startTestServer(kind)
    cast = await seedCast(server)
  })
  afterAll(async () => {
    await server.destroy()
  })

  it.each(matrix)('role matrix: %s', async (_name, act, expected) => {
    const actual: Partial<Record<ViewerKind, number>> = {}
    const wanted: Partial<Record<ViewerKind, number>> = {}
    for (const [i, viewer] of viewers.entries()) {
      const staged = await stage()
      const res = await act(cast.clients[viewer], staged)
      actual[viewer] = res.status
      wanted[viewer] = expected[i]
      if (res.status >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json')
    }
    expect(actual).toEqual(wanted)
  })

  it('an admin grants creator and moderator but not admin or owner, and not over another admin', async () => {
    const { channel } = await stage()
    const { admin } = cast.clients
    const slug = channel.slug
    expect((await admin.put(`/api/v1/channels/${slug}/roles/fan`, { role: 'creator' })).body).toMatchObject({
      handle: 'fan',
      role: 'creator',
    })
    expect((await admin.put(`/api/v1/channels/${slug}/roles/victim`, { role: 'admin' })).body.code).toBe(
      'not-allowed',
    )
    expect((await admin.put(`/api/v1/channels/${slug}/roles/victim`, { role: 'owner' })).body.code).toBe(
      'not-allowed',
    )
    const second = await seedAccount(server.ctx, 'admin2')
    await seedMember(server.ctx, channel, second.account, 'admin')
    expect((await admin.put(`/api/v1/channels/${slug}/roles/admin2`, { role: 'moderator' })).status).toBe(403)
    expect((await admin.delete(`/api/v1/channels/${slug}/roles/admin2`)).status).toBe(403)
    expect((await admin.delete(`/api/v1/channels/${slug}/roles/owner`)).status).toBe(403)
    expect(await roleOf(server, channel, second.account.id)).toBe('admin')
    expect(await auditActions(server, channel)).toContainEqual({
      action: 'role.granted',
      details: { oldRole: null, newRole: 'creator', addedAsMember: false },
    })
  })

  it('nobody changes their own role; the owner role cannot be removed', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    const own = await cast.clients.admin.put(`/api/v1/channels/${slug}/roles/admin`, { role: 'creator' })
    expect(own.body.code).toBe('role-conflict')
    expect(
      (await cast.clients.owner.put(`/api/v1/channels/${slug}/roles/owner`, { role: 'admin' })).status,
    ).toBe(409)
    expect((await cast.clients.owner.delete(`/api/v1/channels/${slug}/roles/owner`)).status).toBe(409)
    expect(await roleOf(server, channel, cast.accounts.admin.account.id)).toBe('admin')
    expect(await roleOf(server, channel, cast.accounts.owner.account.id)).toBe('owner')
  })

  it('the owner makes and unmakes admins; removing a role leaves a fan member', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    const made = await cast.clients.owner.put(`/api/v1/channels/${slug}/roles/fan`, { role: 'admin' })
    expect(made.status).toBe(200)
    const unmade = await cast.clients.owner.delete(`/api/v1/channels/${slug}/roles/fan`)
    expect(unmade.body).toMatchObject({ handle: 'fan', role: null })
    expect(await roleOf(server, channel, cast.accounts.fan.account.id)).toBeNull()
    const actions = await auditActions(server, channel)
    expect(actions.at(-1)).toEqual({ action: 'role.removed', details: { oldRole: 'admin', newRole: null } })
  })

  it('ownership transfer: the target becomes owner, the old owner admin, always exactly one owner', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    const res = await cast.clients.owner.put(`/api/v1/channels/${slug}/roles/admin`, { role: 'owner' })
    expect(res.status).toBe(200)
    expect(res.body.role).toBe('owner')
    expect(await roleOf(server, channel, cast.accounts.admin.account.id)).toBe('owner')
    expect(await roleOf(server, channel, cast.accounts.owner.account.id)).toBe('admin')
    // The old owner is now an admin: they can no longer delete the channel or transfer it back.
    expect((await cast.clients.owner.delete(`/api/v1/channels/${slug}`)).status).toBe(403)
    const back = await cast.clients.owner.put(`/api/v1/channels/${slug}/roles/owner`, { role: 'owner' })
    expect(back.status).toBe(409)
    expect((await auditActions(server, channel)).at(-1)).toEqual({
      action: 'ownership.transferred',
      details: { oldRole: 'admin', newRole: 'owner', previousOwnerRole: 'admin' },
    })
    expect(await owners(channel.id)).toEqual([cast.accounts.admin.account.id])
  })

  it('two concurrent transfers leave exactly one owner', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    const results = await Promise.all([
      cast.clients.owner.put(`/api/v1/channels/${slug}/roles/fan`, { role: 'owner' }),
      cast.clients.owner.put(`/api/v1/channels/${slug}/roles/victim`, { role: 'owner' }),
    ])
    // The loser either saw the owner row change under it (409) or ran after and found itself an admin (403).
    const statuses = results.map((r) => r.status).sort()
    expect(statuses[0]).toBe(200)
    expect([403, 409]).toContain(statuses[1])
    expect(await owners(channel.id)).toHaveLength(1)
  })

  it('ownership goes only to a member; a staff role given to a non-member adds them as a guest', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    const refused = await cast.clients.owner.put(`/api/v1/channels/${slug}/roles/outsider`, { role: 'owner' })
    expect(refused.body.code).toBe('role-conflict')
    const guest = await cast.clients.admin.put(`/api/v1/channels/${slug}/roles/outsider`, { role: 'creator' })
    expect(guest.status).toBe(200)
    expect(await roleOf(server, channel, cast.accounts.outsider.account.id)).toBe('creator')
    const view = await cast.clients.outsider.get(`/api/v1/channels/${slug}`)
    expect(view.body.viewer).toMatchObject({ role: 'creator', isMember: true })
  })

  it('a banned account gets no role', async () => {
    const { channel } = await stage()
    const res = await cast.clients.owner.put(`/api/v1/channels/${channel.slug}/roles/banned`, {
      role: 'creator',
    })
    expect(res.body.code).toBe('role-conflict')
    expect(await roleOf(server, channel, cast.accounts.banned.account.id)).toBe('not-a-member')
  })

  it('staff cannot ban or remove their equals or superiors, nor the owner', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    const { moderator, admin } = cast.clients
    expect((await moderator.put(`/api/v1/channels/${slug}/bans/stafftarget`)).status).toBe(403)
    expect((await moderator.put(`/api/v1/channels/${slug}/bans/admin`)).status).toBe(403)
    expect((await moderator.put(`/api/v1/channels/${slug}/bans/moderator`)).status).toBe(403)
    expect((await admin.put(`/api/v1/channels/${slug}/bans/owner`)).status).toBe(403)
    expect((await moderator.delete(`/api/v1/channels/${slug}/members/stafftarget`)).status).toBe(403)
    expect((await admin.delete(`/api/v1/channels/${slug}/members/owner`)).status).toBe(403)
    // An admin outranks creators and moderators.
    expect((await admin.put(`/api/v1/channels/${slug}/bans/moderator`, { reason: 'leaks' })).status).toBe(200)
    expect(await roleOf(server, channel, cast.accounts.moderator.account.id)).toBe('not-a-member')
  })

  it('bad role requests are refused with a problem and change nothing', async () => {
    const { channel } = await stage()
    const slug = channel.slug
    const before = await channelTables(server)
    const { owner } = cast.clients
    const cases: [Promise<ApiResponse>, number, string][] = [
      [owner.put(`/api/v1/channels/${slug}/roles/fan`, { role: 'superuser' }), 422, 'validation'],
      [owner.put(`/api/v1/channels/${slug}/roles/fan`, { role: 'creator', extra: 1 }), 422, 'validation'],
      [owner.put(`/api/v1/channels/${slug}/roles/fan`, { role: 7 }), 422, 'validation'],
      [owner.put(`/api/v1/channels/${slug}/roles/fan`, {}), 422, 'validation'],
      [owner.put(`/api/v1/channels/${slug}/roles/nobody`, { role: 'creator' }), 404, 'account-not-found'],
      [owner.delete(`/api/v1/channels/${slug}/roles/outsider`), 404, 'member-not-found'],
      [
        owner.put('/api/v1/channels/no-such-channel/roles/fan', { role: 'creator' }),
        404,
        'channel-not-found',
      ],
    ]
    for (const [request, status, code] of cases) {
      const res = await request
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code })
    }
    expect(await channelTables(server)).toEqual(before)
  })

  async function owners(channelId: string) {
    const rows = await server.ctx.db
      .selectFrom('channel_member')
      .select('account_id')
      .where('channel_id', '=', channelId)
      .where('role', '=', 'owner')
      .execute()
    return rows.map((r) => r.account_id)
  }
})
