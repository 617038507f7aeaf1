import type { ChannelRow, Role } from '../../src/db/schema.js'
import { client } from '../_util/client.js'
import { type SeededAccount, seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'

/**
 * Where an account of a set-diary world stands: its role in "set-diary" ('fan' joins without one),
 * 'insider' (a member of the private "writers-room" only) or 'outsider' (a member of neither).
 */
export type Standing = Role | 'fan' | 'insider' | 'outsider'

/**
 * A public channel "set-diary" and a private channel "writers-room" of its owner, with the given
 * cast (name → handle and standing): accounts are made in the order given, then join in that
 * order. One client per name plus an anonymous one, beside `accounts` and the two channels.
 */
export async function seedSetDiary<const C extends Record<string, readonly [handle: string, Standing]>>(
  server: TestServer,
  cast: C,
) {
  const ctx = server.ctx
  const people: { name: string; standing: Standing; seeded: SeededAccount }[] = []
  for (const [name, [handle, standing]] of Object.entries(cast))
    people.push({ name, standing, seeded: await seedAccount(ctx, handle) })
  const owner = people.find((a) => a.standing === 'owner')
  if (!owner) throw new Error('a set-diary cast needs an owner')
  const channel = await seedChannel(ctx, owner.seeded.account, { slug: 'set-diary' })
  for (const { standing, seeded: a } of people) {
    if (standing === 'owner' || standing === 'insider' || standing === 'outsider') continue
    await seedMember(ctx, channel, a.account, standing === 'fan' ? null : standing)
  }
  const privateChannel = await seedChannel(ctx, owner.seeded.account, {
    slug: 'writers-room',
    visibility: 'private',
  })
  for (const { standing, seeded: a } of people)
    if (standing === 'insider') await seedMember(ctx, privateChannel, a.account, null)
  // One entry per name of the cast: the record types only say so.
  const byName = <T>(value: (a: SeededAccount) => T) =>
    Object.fromEntries(people.map((p) => [p.name, value(p.seeded)])) as Record<keyof C, T>
  return {
    channel,
    privateChannel,
    accounts: byName((a) => a),
    ...byName((a) => client(server.url, { token: a.token })),
    anonymous: client(server.url),
  }
}

/** "set-diary" with one account per role, two creators and an outsider (see `seedSetDiary`). */
export async function seedPostWorld(server: TestServer) {
  return seedSetDiary(server, {
    owner: ['showrunner', 'owner'],
    creator: ['cocreator', 'creator'],
    creator2: ['stills', 'creator'],
    admin: ['producer', 'admin'],
    moderator: ['mod', 'moderator'],
    fan: ['fan', 'fan'],
    outsider: ['outsider', 'outsider'],
  })
}

export type PostWorld = Awaited<ReturnType<typeof seedPostWorld>>

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
