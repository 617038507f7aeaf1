import type { ChannelRow, JoinPolicy, Visibility } from '../../src/db/schema.js'
import { accessTopic } from '../../src/event-log/event-log.js'
import { hashSecret, newId, newSecret } from '../../src/util/ids.js'
import { type Client, client } from '../_util/client.js'
import { type SeededAccount, seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'

/** The viewer kinds of the role matrix, in table order. */
export const viewers = ['owner', 'admin', 'creator', 'moderator', 'fan', 'outsider', 'anonymous'] as const
export type ViewerKind = (typeof viewers)[number]

/**
 * One account per role, plus the accounts staff act on: `victim` (a fan), `staffTarget` (a
 * creator), `requester` (a pending join request) and `banned` (banned). The same accounts hold
 * these roles in every channel made by `stageChannel`.
 */
export async function seedCast(server: TestServer) {
  const ctx = server.ctx
  const names = [
    'owner',
    'admin',
    'creator',
    'moderator',
    'fan',
    'outsider',
    'victim',
    'stafftarget',
    'requester',
    'banned',
  ] as const
  const accounts = {} as Record<(typeof names)[number], SeededAccount>
  for (const name of names) accounts[name] = await seedAccount(ctx, name)
  const as = (token: string) => client(server.url, { token })
  const clients: Record<ViewerKind, Client> = {
    owner: as(accounts.owner.token),
    admin: as(accounts.admin.token),
    creator: as(accounts.creator.token),
    moderator: as(accounts.moderator.token),
    fan: as(accounts.fan.token),
    outsider: as(accounts.outsider.token),
    anonymous: client(server.url),
  }
  return { accounts, clients, as }
}

export type Cast = Awaited<ReturnType<typeof seedCast>>

/**
 * A channel where every cast member has their role, with a pending join request, a ban and an
 * invite, so any staff action has something to act on. Returns the channel and the invite id.
 */
export async function stageChannel(
  server: TestServer,
  cast: Cast,
  slug: string,
  options: { visibility?: Visibility; joinPolicy?: JoinPolicy } = {},
) {
  const ctx = server.ctx
  const a = cast.accounts
  const channel = await seedChannel(ctx, a.owner.account, { slug, ...options })
  await seedMember(ctx, channel, a.admin.account, 'admin')
  await seedMember(ctx, channel, a.creator.account, 'creator')
  await seedMember(ctx, channel, a.moderator.account, 'moderator')
  await seedMember(ctx, channel, a.fan.account, null)
  await seedMember(ctx, channel, a.victim.account, null)
  await seedMember(ctx, channel, a.stafftarget.account, 'creator')
  const now = ctx.clock.now()
  await ctx.db
    .insertInto('join_request')
    .values({
      channel_id: channel.id,
      account_id: a.requester.account.id,
      status: 'pending',
      message: 'let me in',
      created_at: now,
      decided_by: null,
      decided_at: null,
    })
    .execute()
  await ctx.db
    .insertInto('channel_ban')
    .values({
      channel_id: channel.id,
      account_id: a.banned.account.id,
      banned_by: a.owner.account.id,
      reason: 'spoilers',
      created_at: now,
    })
    .execute()
  const inviteId = newId()
  await ctx.db
    .insertInto('channel_invite')
    .values({
      id: inviteId,
      channel_id: channel.id,
      token_hash: hashSecret(newSecret()),
      created_by: a.owner.account.id,
      max_uses: null,
      expires_at: null,
      revoked_at: null,
      created_at: now,
    })
    .execute()
  return { channel, inviteId }
}

/** Every row the channels area owns, to prove a refused request changed nothing. */
export async function channelTables(server: TestServer) {
  const db = server.ctx.db
  const all = async (table: 'channel' | 'channel_member' | 'channel_ban' | 'channel_invite') =>
    db.selectFrom(table).selectAll().execute()
  return {
    channel: await all('channel'),
    member: await all('channel_member'),
    ban: await all('channel_ban'),
    invite: await all('channel_invite'),
    request: await db.selectFrom('join_request').selectAll().orderBy('account_id').execute(),
    audit: await db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('channel_event').selectAll().orderBy('id').execute(),
  }
}

export async function roleOf(server: TestServer, channel: ChannelRow, accountId: string) {
  const row = await server.ctx.db
    .selectFrom('channel_member')
    .select('role')
    .where('channel_id', '=', channel.id)
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  return row === undefined ? 'not-a-member' : row.role
}

export async function auditActions(server: TestServer, channel: ChannelRow) {
  const rows = await server.ctx.db
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('channel_id', '=', channel.id)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ action: r.action, details: JSON.parse(r.details) }))
}

/** Records access changes published on the bus (ban, leave, removal, channel deletion). */
export async function recordAccessChanges(server: TestServer) {
  const changes: { channelId: string; accountId: string; reason: string }[] = []
  await server.ctx.bus.subscribe(accessTopic, (message) => changes.push(JSON.parse(message)))
  return changes
}

/** An API token with only the given scopes, for scope checks. */
export async function scopedClient(server: TestServer, accountId: string, scopes: string): Promise<Client> {
  const token = newSecret('blt_')
  await server.ctx.db
    .insertInto('api_token')
    .values({
      id: newId(),
      account_id: accountId,
      name: 'scoped',
      token_hash: hashSecret(token),
      scopes,
      created_at: Date.now(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute()
  return client(server.url, { token })
}

/** A clock tests move by hand (invite expiry). */
export function manualClock(start = Date.UTC(2025, 4, 1)) {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}
