import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

const DAY = 86_400_000
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** The analytics page's members-over-time endpoint (src/web/analytics.ts), issue 5. */
describe.each(testDatabases)('members over time on %s', (kind) => {
  let server: TestServer
  let owner: string
  let creator: string
  let fan: string
  let outsider: string
  const joins: number[] = []

  beforeAll(async () => {
    server = await startTestServer(kind)
    const ctx = server.ctx
    const o = await seedAccount(ctx, 'owner')
    const c = await seedAccount(ctx, 'creator')
    const f = await seedAccount(ctx, 'fan')
    const out = await seedAccount(ctx, 'outsider')
    owner = o.token
    creator = c.token
    fan = f.token
    outsider = out.token
    const channel = await seedChannel(ctx, o.account, { slug: 'growth', visibility: 'private' })
    await seedMember(ctx, channel, c.account, 'creator')
    await seedMember(ctx, channel, f.account, null)
    // Five more fans who joined 40, 10, 10, 2 and 0 days ago.
    const now = Date.now()
    for (const [i, daysAgo] of [40, 10, 10, 2, 0].entries()) {
      const fanN = await seedAccount(ctx, `early${i}`)
      const at = now - daysAgo * DAY
      joins.push(at)
      await ctx.db
        .insertInto('channel_member')
        .values({ channel_id: channel.id, account_id: fanN.account.id, role: null, joined_at: at })
        .execute()
    }
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('gives staff one point per day: joins of current members and the running total', async () => {
    const res = await client(server.url, { token: creator }).get(
      '/api/v1/channels/growth/analytics/members?days=30',
    )
    expect(res.status).toBe(200)
    const body = res.body as { total: number; days: { day: string; joined: number; total: number }[] }
    expect(body.total).toBe(8) // owner, creator, fan (today) + 5 seeded
    expect(body.days).toHaveLength(30)
    expect(body.days.at(-1)!.day).toBe(utcDay(Date.now()))
    // The member who joined 40 days ago is before the window: counted in the first day's total only.
    expect(body.days[0]!.total - body.days[0]!.joined).toBe(1)
    const byDay = new Map(body.days.map((d) => [d.day, d.joined]))
    expect(byDay.get(utcDay(joins[1]!))).toBe(2)
    expect(byDay.get(utcDay(joins[3]!))).toBe(1)
    expect(body.days.reduce((s, d) => s + d.joined, 0)).toBe(7)
    for (let i = 1; i < body.days.length; i++) {
      expect(body.days[i]!.total).toBe(body.days[i - 1]!.total + body.days[i]!.joined)
    }
  })

  it('is for the channel’s team only, and a private channel stays invisible to outsiders', async () => {
    expect(
      (await client(server.url, { token: owner }).get('/api/v1/channels/growth/analytics/members')).body.days,
    ).toHaveLength(90)
    const asFan = await client(server.url, { token: fan }).get('/api/v1/channels/growth/analytics/members')
    expect(asFan.status).toBe(403)
    expect(asFan.body.code).toBe('not-allowed')
    const asOutsider = await client(server.url, { token: outsider }).get(
      '/api/v1/channels/growth/analytics/members',
    )
    expect(asOutsider.status).toBe(404)
    expect(asOutsider.body.code).toBe('channel-not-found')
    expect((await client(server.url).get('/api/v1/channels/growth/analytics/members')).status).toBe(401)
    const bad = await client(server.url, { token: owner }).get(
      '/api/v1/channels/growth/analytics/members?days=0',
    )
    expect(bad.status).toBe(422)
  })
})
