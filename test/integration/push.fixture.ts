import { expect } from 'vitest'
import type { ChannelRow, NotifyLevel } from '../../src/db/schema.js'
import { type Client, client } from '../_util/client.js'
import type { PushService, TestDevice } from '../_util/push-service.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'

/** Configuration every push test server runs with: loopback push service, quick retries. */
export const pushTestEnv = {
  BACKLOT_PUSH_ALLOW_LOOPBACK: 'true',
  BACKLOT_PUSH_RETRY_DELAY_MS: '50',
  BACKLOT_PUSH_RETRY_ATTEMPTS: '4',
}

export interface Fan {
  handle: string
  accountId: string
  api: Client
}

/** The show's channel with its owner (who posts) and a client for the owner. */
export async function seedShow(server: TestServer, slug = 'set-diary') {
  const owner = await seedAccount(server.ctx, `owner_${slug.replace(/\W/g, '')}`)
  const channel = await seedChannel(server.ctx, owner.account, { slug, title: 'The Show — Set Diary' })
  return {
    channel,
    owner: client(server.url, { token: owner.token }),
    ownerId: owner.account.id,
    ownerToken: owner.token,
  }
}

/** A member of `channel` with the given settings, set through the API as the fan would. */
export async function addFan(
  server: TestServer,
  channel: ChannelRow,
  handle: string,
  settings: { muted?: boolean; notifyLevel?: NotifyLevel } = {},
): Promise<Fan> {
  const seeded = await seedAccount(server.ctx, handle)
  await seedMember(server.ctx, channel, seeded.account, null)
  const api = client(server.url, { token: seeded.token })
  if (settings.muted !== undefined || settings.notifyLevel !== undefined) {
    const res = await api.patch(`/api/v1/channels/${channel.slug}/members/me`, settings)
    expect(res.status).toBe(200)
  }
  return { handle, accountId: seeded.account.id, api }
}

/** Registers a device of the loopback push service for the fan, as the web app would. */
export async function register(api: Client, device: TestDevice): Promise<string> {
  const res = await api.post('/api/v1/push/subscriptions', {
    endpoint: device.endpoint,
    expirationTime: null,
    keys: device.keys,
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.id
}

/** Waits until every notification run of the post has finished its last batch. */
export async function waitForPush(server: TestServer, postId: string, runs = 1): Promise<void> {
  for (;;) {
    const rows = await server.ctx.db
      .selectFrom('push_fanout')
      .select(['done_at'])
      .where('post_id', '=', postId)
      .execute()
    if (rows.length >= runs && rows.every((r) => r.done_at !== null)) return
    await new Promise((r) => setTimeout(r, 20))
  }
}

export async function deliveryStatuses(server: TestServer, postId: string): Promise<Record<string, number>> {
  const rows = await server.ctx.db
    .selectFrom('push_delivery')
    .select(['status'])
    .where('post_id', '=', postId)
    .execute()
  const counts: Record<string, number> = {}
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1
  return counts
}

export function expectNoProtocolErrors(push: PushService): void {
  expect(push.errors).toEqual([])
}
