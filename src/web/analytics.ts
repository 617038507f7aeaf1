import { type Static, Type } from '@sinclair/typebox'
import { sql } from 'kysely'
import { requireReadableChannel } from '../channels/index.js'
import type { AppContext } from '../context.js'
import type { DbOrTx } from '../db/database.js'
import { fail } from '../errors.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'

/**
 * A read-only staff endpoint for the web app's analytics page (issue 5): members over time.
 * Membership keeps only the join time of current members (leaving deletes the row), so the series
 * is "current members by the day they joined" — honest about what is stored, and one grouped query
 * whatever the channel's size.
 */

const DAY_MS = 86_400_000

export const MemberGrowthQuery = Type.Object(
  {
    days: Type.Integer({
      minimum: 1,
      maximum: 366,
      default: 90,
      description: 'Days to cover, ending today (UTC).',
    }),
  },
  { additionalProperties: false },
)

export const MemberGrowthView = Type.Object({
  total: Type.Integer({ description: 'Members now.' }),
  days: Type.Array(
    Type.Object({
      day: Type.String({ description: 'UTC date, YYYY-MM-DD.' }),
      joined: Type.Integer({ description: 'Current members who joined that day.' }),
      total: Type.Integer({ description: 'Current members who had joined by the end of that day.' }),
    }),
  ),
})
export type MemberGrowth = Static<typeof MemberGrowthView>

/** Per-day joins of current members from `fromDay` (days since the epoch, UTC), and the count before it. */
export async function readMemberGrowth(db: DbOrTx, channelId: string, fromDay: number, toDay: number) {
  // A literal, not a parameter: PostgreSQL must see the same expression in SELECT and GROUP BY, and
  // SQLite must divide two integers.
  const dayExpr = sql<number>`(joined_at / ${sql.lit(DAY_MS)})`
  const [before, rows] = await Promise.all([
    db
      .selectFrom('channel_member')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel_id', '=', channelId)
      .where('joined_at', '<', fromDay * DAY_MS)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('channel_member')
      .select([dayExpr.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('channel_id', '=', channelId)
      .where('joined_at', '>=', fromDay * DAY_MS)
      .where('joined_at', '<', (toDay + 1) * DAY_MS)
      .groupBy(dayExpr)
      .execute(),
  ])
  return { before: Number(before.n), joins: new Map(rows.map((r) => [Number(r.day), Number(r.n)])) }
}

/** Fills every day of the window (zeros included) with its joins and running total. */
export function toMemberGrowth(
  fromDay: number,
  toDay: number,
  before: number,
  joins: ReadonlyMap<number, number>,
): MemberGrowth {
  const days: MemberGrowth['days'] = []
  let total = before
  for (let d = fromDay; d <= toDay; d++) {
    const joined = joins.get(d) ?? 0
    total += joined
    days.push({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), joined, total })
  }
  return { total, days }
}

export function analyticsRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/channels/:slug/analytics/members',
    {
      schema: {
        tags: ['channels'],
        summary: 'Members over time (channel staff)',
        params: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) }),
        querystring: MemberGrowthQuery,
        response: { 200: MemberGrowthView },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => {
      const auth = requireAuth(req)
      const access = await requireReadableChannel(ctx.db, req.params.slug, auth.account.id)
      if (access.role === null) fail('not-allowed', 'Only the channel’s team can see its analytics.')
      const toDay = Math.floor(ctx.clock.now() / DAY_MS)
      const fromDay = toDay - req.query.days + 1
      const { before, joins } = await readMemberGrowth(ctx.db, access.channel.id, fromDay, toDay)
      return toMemberGrowth(fromDay, toDay, before, joins)
    },
  )
}
