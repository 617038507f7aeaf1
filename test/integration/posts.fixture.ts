import type { ChannelRow } from '../../src/db/schema.js'
import { hashSecret, newId, newSecret } from '../../src/util/ids.js'
import { type Client, client } from '../_util/client.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'

/**
 * A public channel "set-diary" with one account per role, a private channel "writers-room" that
 * only its owner belongs to, and a client for each account plus an anonymous one.
 */
export async function seedPostWorld(server: TestServer) {
  const ctx = server.ctx
  const owner = await seedAccount(ctx, 'showrunner')
  const creator = await seedAccount(ctx, 'cocreator')
  const creator2 = await seedAccount(ctx, 'stills')
  const admin = await seedAccount(ctx, 'producer')
  const moderator = await seedAccount(ctx, 'mod')
  const fan = await seedAccount(ctx, 'fan')
  const outsider = await seedAccount(ctx, 'outsider')
  const channel = await seedChannel(ctx, owner.account, { slug: 'set-diary' })
  await seedMember(ctx, channel, creator.account, 'creator')
  await seedMember(ctx, channel, creator2.account, 'creator')
  await seedMember(ctx, channel, admin.account, 'admin')
  await seedMember(ctx, channel, moderator.account, 'moderator')
  await seedMember(ctx, channel, fan.account, null)
  const privateChannel = await seedChannel(ctx, owner.account, {
    slug: 'writers-room',
    visibility: 'private',
  })
  const as = (token: string) => client(server.url, { token })
  return {
    channel,
    privateChannel,
    accounts: { owner, creator, creator2, admin, moderator, fan, outsider },
    owner: as(owner.token),
    creator: as(creator.token),
    creator2: as(creator2.token),
    admin: as(admin.token),
    moderator: as(moderator.token),
    fan: as(fan.token),
    outsider: as(outsider.token),
    anonymous: client(server.url),
  }
}

export type PostWorld = Awaited<ReturnType<typeof seedPostWorld>>

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

export async function channelEvents(server: TestServer, channel: ChannelRow) {
  const rows = await server.ctx.db
    .selectFrom('channel_event')
    .selectAll()
    .where('channel_id', '=', channel.id)
    .orderBy('seq', 'asc')
    .execute()
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) }))
}

/** Everything the posts area writes, to prove a refused request changed nothing. */
export async function postTables(server: TestServer) {
  const db = server.ctx.db
  return {
    posts: await db.selectFrom('post').selectAll().orderBy('id').execute(),
    revisions: await db.selectFrom('post_revision').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('channel_event').selectAll().orderBy('channel_id').orderBy('seq').execute(),
    lastSeqs: await db.selectFrom('channel').select(['id', 'last_seq']).orderBy('id').execute(),
  }
}
