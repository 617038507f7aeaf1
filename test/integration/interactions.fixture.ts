import type { ChannelRow } from '../../src/db/schema.js'
import { hashSecret, newId, newSecret } from '../../src/util/ids.js'
import { type Client, client } from '../_util/client.js'
import type { TestServer } from '../_util/server.js'
import { seedSetDiary } from './posts.fixture.js'

/** "set-diary" with an owner, a creator, a moderator, two fans and an outsider (see `seedSetDiary`). */
export async function seedInteractionWorld(server: TestServer) {
  return seedSetDiary(server, {
    owner: ['showrunner', 'owner'],
    creator: ['cocreator', 'creator'],
    moderator: ['mod', 'moderator'],
    fan: ['fan', 'fan'],
    fan2: ['fan2', 'fan'],
    outsider: ['outsider', 'outsider'],
  })
}

export type InteractionWorld = Awaited<ReturnType<typeof seedInteractionWorld>>

export const postsPath = (slug = 'set-diary') => `/api/v1/channels/${slug}/posts`

/** Publishes a post as `author` and returns its view. */
export async function publish(author: Client, body: Record<string, unknown>, slug = 'set-diary') {
  const res = await author.post(postsPath(slug), body)
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/**
 * `count` fan accounts with API tokens, all members of `channel`, inserted in batches straight
 * into the database (registering hundreds of accounts through the API would hash as many passwords).
 */
export async function seedFans(server: TestServer, channel: ChannelRow, count: number, prefix = 'f') {
  const db = server.ctx.db
  const now = Date.now()
  const fans = Array.from({ length: count }, (_, i) => ({
    id: newId(),
    handle: `${prefix}${i}`,
    token: newSecret('blt_'),
  }))
  for (let i = 0; i < fans.length; i += 100) {
    const batch = fans.slice(i, i + 100)
    await db
      .insertInto('account')
      .values(
        batch.map((f) => ({
          id: f.id,
          handle: f.handle,
          display_name: `Fan ${f.handle}`,
          password_hash: null,
          email: null,
          created_at: now,
        })),
      )
      .execute()
    await db
      .insertInto('api_token')
      .values(
        batch.map((f) => ({
          id: newId(),
          account_id: f.id,
          name: 'test',
          token_hash: hashSecret(f.token),
          scopes: 'read',
          created_at: now,
          last_used_at: now,
          revoked_at: null,
        })),
      )
      .execute()
    await db
      .insertInto('channel_member')
      .values(batch.map((f) => ({ channel_id: channel.id, account_id: f.id, role: null, joined_at: now })))
      .execute()
  }
  return fans.map((f) => ({ ...f, client: client(server.url, { token: f.token }) }))
}

/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++
        results[i] = await tasks[i]!()
      }
    }),
  )
  return results
}

/** Everything the interactions area writes, plus the event log: to prove a refused request changed nothing. */
export async function interactionTables(server: TestServer) {
  const db = server.ctx.db
  return {
    reactions: await db
      .selectFrom('post_reaction')
      .selectAll()
      .orderBy('post_id')
      .orderBy('account_id')
      .execute(),
    polls: await db.selectFrom('poll').selectAll().orderBy('post_id').execute(),
    ballots: await db
      .selectFrom('poll_ballot')
      .selectAll()
      .orderBy('post_id')
      .orderBy('account_id')
      .execute(),
    answers: await db.selectFrom('prompt_answer').selectAll().orderBy('id').execute(),
    views: await db.selectFrom('post_view').selectAll().orderBy('post_id').orderBy('account_id').execute(),
    anonymous: await db.selectFrom('post_anonymous_views').selectAll().orderBy('post_id').execute(),
    events: await db.selectFrom('channel_event').selectAll().orderBy('channel_id').orderBy('seq').execute(),
  }
}

export async function eventsOfType(server: TestServer, channel: ChannelRow, type: string) {
  const rows = await server.ctx.db
    .selectFrom('channel_event')
    .selectAll()
    .where('channel_id', '=', channel.id)
    .where('type', '=', type)
    .orderBy('seq')
    .execute()
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) }))
}

/** Reaction counts per emoji straight from the database (current members only, like the API). */
export async function dbReactionCounts(server: TestServer, channel: ChannelRow, postId: string) {
  const rows = await server.ctx.db
    .selectFrom('post_reaction as r')
    .innerJoin('channel_member as m', (j) =>
      j.onRef('m.account_id', '=', 'r.account_id').on('m.channel_id', '=', channel.id),
    )
    .select(['r.emoji', (eb) => eb.fn.countAll<number>().as('n')])
    .where('r.post_id', '=', postId)
    .groupBy('r.emoji')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.emoji, Number(r.n)]))
}

/** `counts` view → { emoji: count } without zeros. */
export function nonZero(counts: { emoji: string; count: number }[]): Record<string, number> {
  return Object.fromEntries(counts.filter((c) => c.count > 0).map((c) => [c.emoji, c.count]))
}
