import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NotifyLevel } from '../../src/db/schema.js'
import { createHttpTransport, type PushTransport } from '../../src/push/transport.js'
import { newId } from '../../src/util/ids.js'
import { testDatabases } from '../_util/db.js'
import { type PushService, startPushService } from '../_util/push-service.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  deliveryStatuses,
  expectNoProtocolErrors,
  pushTestEnv,
  seedShow,
  waitForPush,
} from './push.fixture.js'

const MEMBERS = 2000
const DEVICES_PER_MEMBER = 5
/** Member i by i % 10: 0–2 muted, 3–4 level none, 5 highlights only, 6–9 everything (40 %). */
const settingsOf = (i: number): { muted: number; level: NotifyLevel } => {
  const k = i % 10
  if (k <= 2) return { muted: 1, level: 'all' }
  return { muted: 0, level: k <= 4 ? 'none' : k === 5 ? 'highlights' : 'all' }
}
const isEligible = (i: number) => i % 10 >= 6
const GONE = 50
const KILL_AFTER = 1500
const KILLED = 40

/**
 * Issue 8 at scale: 10,000 devices across 2,000 members seeded directly in the database. One post
 * gives exactly one delivery per eligible device; muted and level-none members, and a silent post,
 * none; 410s are removed; and a worker that dies mid-batch — here it dies right after sending 40
 * messages, before recording them — does not make its retry send any device a second message.
 */
describe.each(testDatabases)('push at scale (%s)', (kind) => {
  let server: TestServer
  let push: PushService
  let transport: ReturnType<typeof createHttpTransport>
  let sends = 0
  const devices: Array<{ id: string; member: number }> = []
  let show: Awaited<ReturnType<typeof seedShow>>

  beforeAll(async () => {
    push = await startPushService({ decryptEvery: 20 })
    transport = createHttpTransport({ allowLoopback: true, maxSocketsPerHost: 32 })
    // The "worker" dies after its 1,500th delivered message: the next 40 are delivered, then it
    // crashes before it can record them. The queue retries the batch.
    const killing: PushTransport = async (request) => {
      const response = await transport(request)
      if (response.status >= 300) return response
      sends++
      if (sends > KILL_AFTER && sends <= KILL_AFTER + KILLED) throw new Error('worker killed mid-batch')
      return response
    }
    server = await startTestServer(kind, { env: pushTestEnv, overrides: { pushTransport: killing } })
    show = await seedShow(server)
    await seedMembersAndDevices()
  })
  afterAll(async () => {
    await server?.destroy()
    transport?.close()
    await push?.close()
  })

  async function seedMembersAndDevices(): Promise<void> {
    const db = server.ctx.db
    const now = Date.now()
    const accounts = Array.from({ length: MEMBERS }, (_, i) => ({
      id: newId(),
      handle: `fan${i}`,
      display_name: `Fan ${i}`,
      password_hash: null,
      email: null,
      created_at: now,
    }))
    const subscriptions = accounts.flatMap((account, i) =>
      Array.from({ length: DEVICES_PER_MEMBER }, (_, d) => {
        const id = newId()
        const device = push.device(`m${i}-d${d}`, i + d)
        devices.push({ id: device.id, member: i })
        return {
          id,
          account_id: account.id,
          endpoint: device.endpoint,
          p256dh: device.keys.p256dh,
          auth: device.keys.auth,
          label: null,
          expires_at: null,
          created_at: now,
          updated_at: now,
        }
      }),
    )
    // The author's own devices never get their own post.
    subscriptions.push(
      ...[0, 1].map((d) => ({
        ...subscriptions[0]!,
        id: newId(),
        account_id: show.ownerId,
        endpoint: push.device(`owner-${d}`).endpoint,
      })),
    )
    for (const rows of chunks(accounts, 500)) await db.insertInto('account').values(rows).execute()
    const members = accounts.map((a, i) => ({
      channel_id: show.channel.id,
      account_id: a.id,
      role: null,
      muted: settingsOf(i).muted,
      notify_level: settingsOf(i).level,
      joined_at: now,
    }))
    for (const rows of chunks(members, 500)) await db.insertInto('channel_member').values(rows).execute()
    for (const rows of chunks(subscriptions, 500))
      await db.insertInto('push_subscription').values(rows).execute()
  }

  it('delivers exactly once per eligible device, removes 410s, survives a killed worker', async () => {
    const eligible = devices.filter((d) => isEligible(d.member))
    const gone = eligible.filter((_, i) => i % 80 === 7).slice(0, GONE)
    for (const device of gone) push.respond(device.id, 410)

    const res = await show.owner.post(`/api/v1/channels/${show.channel.slug}/posts`, {
      text: 'Chapter 8 is a wrap!',
    })
    expect(res.status).toBe(201)
    await waitForPush(server, res.body.id)

    expectNoProtocolErrors(push)
    const goneIds = new Set(gone.map((d) => d.id))
    const counts = push.acceptedCounts()
    const wrong = devices.filter((d) => {
      const expected = isEligible(d.member) && !goneIds.has(d.id) ? 1 : 0
      return (counts.get(d.id) ?? 0) !== expected
    })
    expect(wrong).toEqual([])
    expect(push.acceptedTotal).toBe(eligible.length - GONE)
    for (const device of gone) expect(push.requests(device.id)).toBe(1)
    expect(push.requests('owner-0') + push.requests('owner-1')).toBe(0)
    expect(sends).toBeGreaterThan(KILL_AFTER + KILLED)
    // The killed worker's 40 messages were delivered but never recorded: they stay claimed.
    expect(await deliveryStatuses(server, res.body.id)).toEqual({
      sent: eligible.length - GONE - KILLED,
      sending: KILLED,
    })
    const left = await server.ctx.db
      .selectFrom('push_subscription')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(left.n)).toBe(devices.length + 2 - GONE)
    const decrypted = push.messages().filter((m) => m.payload !== null)
    expect(decrypted.length).toBeGreaterThan(100)
    for (const m of decrypted) expect(m.payload.body).toBe('Chapter 8 is a wrap!')
  })

  it('sends nothing for a silent post', async () => {
    push.reset()
    const res = await show.owner.post(`/api/v1/channels/${show.channel.slug}/posts`, {
      text: 'Silent schedule note',
      silent: true,
    })
    await waitForPush(server, res.body.id)
    expect(push.acceptedTotal).toBe(0)
  })
})

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
