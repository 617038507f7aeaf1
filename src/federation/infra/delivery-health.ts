import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import type { FederationInstanceRow } from '../../db/schema.js'
import type { Clock } from '../../util/clock.js'

/**
 * Delivery health per remote host (issue 18 part 2), in the database so every node agrees.
 *
 * An instance is **dead** when it answers 404 or 410 on its inbox (gone), or when deliveries to it
 * failed `deadAfterFailures` times in a row (5xx, 429, timeouts, refused connections) over at
 * least `deadAfterMs`. While dead its deliveries are held — no connection is made — except one
 * real attempt, the probe, every `probeIntervalMs`; the first answer of any kind that is not a
 * failure makes it healthy again and held deliveries go out on their next retry. Any answer that
 * is not a failure (2xx, or a 4xx such as 401) proves it alive. Successes to a healthy host write
 * nothing, so a fan-out does not cost one write per delivery.
 */
export interface DeliveryHealth {
  /** null: deliver now; otherwise milliseconds until the next probe may go out (hold until then). */
  holdFor(host: string): Promise<number | null>
  recordAlive(host: string, status: number): Promise<void>
  recordFailure(host: string, failure: { status?: number; error?: string; permanent: boolean }): Promise<void>
  get(host: string): Promise<FederationInstanceRow | undefined>
  /** Instances that are failing or dead, the dead first. */
  listUnhealthy(limit?: number): Promise<FederationInstanceRow[]>
}

export interface DeliveryHealthPolicy {
  deadAfterFailures: number
  deadAfterMs: number
  probeIntervalMs: number
}

export const defaultDeliveryHealthPolicy: DeliveryHealthPolicy = {
  // Mastodon gives up on an instance after a week of failures; with Fedify's retries (up to 12 h
  // apart) ten failures over a day is a server that is down, not one restarting.
  deadAfterFailures: 10,
  deadAfterMs: 24 * 3_600_000,
  probeIntervalMs: 3_600_000,
}

export function createDeliveryHealth(
  db: Db,
  clock: Clock,
  policy = defaultDeliveryHealthPolicy,
): DeliveryHealth {
  return {
    async holdFor(host) {
      const row = await db
        .selectFrom('federation_instance')
        .select(['state', 'next_probe_at'])
        .where('host', '=', host)
        .executeTakeFirst()
      if (row?.state !== 'dead') return null
      const now = clock.now()
      if ((row.next_probe_at ?? 0) > now) return row.next_probe_at! - now
      // The probe is due: the one delivery that moves next_probe_at on makes it.
      const claimed = await db
        .updateTable('federation_instance')
        .set({ next_probe_at: now + policy.probeIntervalMs })
        .where('host', '=', host)
        .where('state', '=', 'dead')
        .where((eb) => eb.or([eb('next_probe_at', 'is', null), eb('next_probe_at', '<=', now)]))
        .executeTakeFirst()
      return Number(claimed.numUpdatedRows) === 1 ? null : policy.probeIntervalMs
    },
    async recordAlive(host, status) {
      // Read first: a write transaction costs a WAL sync even when it changes no row, and nearly
      // every delivery goes to a healthy host (measured by bench:federation).
      const row = await db
        .selectFrom('federation_instance')
        .select('state')
        .where('host', '=', host)
        .executeTakeFirst()
      if (!row || row.state === 'healthy') return
      await db
        .updateTable('federation_instance')
        .set({
          state: 'healthy',
          consecutive_failures: 0,
          first_failure_at: null,
          dead_since: null,
          next_probe_at: null,
          last_success_at: clock.now(),
          last_status: status,
          last_error: null,
        })
        .where('host', '=', host)
        .where('state', '<>', 'healthy')
        .execute()
    },
    async recordFailure(host, failure) {
      const now = clock.now()
      const error = failure.error?.slice(0, 300) ?? null
      const status = failure.status ?? null
      await db
        .insertInto('federation_instance')
        .values({
          host,
          state: 'failing',
          consecutive_failures: 1,
          first_failure_at: now,
          last_failure_at: now,
          last_status: status,
          last_error: error,
        })
        .onConflict((oc) =>
          oc.column('host').doUpdateSet({
            state: sql`case when federation_instance.state = 'dead' then 'dead' else 'failing' end`,
            consecutive_failures: sql`federation_instance.consecutive_failures + 1`,
            first_failure_at: sql`coalesce(federation_instance.first_failure_at, ${now})`,
            last_failure_at: now,
            last_status: status,
            last_error: error,
          }),
        )
        .execute()
      await db
        .updateTable('federation_instance')
        .set({
          state: 'dead',
          dead_since: sql`coalesce(dead_since, ${now})`,
          next_probe_at: now + policy.probeIntervalMs,
        })
        .where('host', '=', host)
        .where((eb) =>
          failure.permanent
            ? sql<boolean>`1 = 1`
            : eb.or([
                eb('state', '=', 'dead'),
                eb.and([
                  eb('consecutive_failures', '>=', policy.deadAfterFailures),
                  eb('first_failure_at', '<=', now - policy.deadAfterMs),
                ]),
              ]),
        )
        .execute()
    },
    get: (host) =>
      db.selectFrom('federation_instance').selectAll().where('host', '=', host).executeTakeFirst(),
    listUnhealthy: (limit = 100) =>
      db
        .selectFrom('federation_instance')
        .selectAll()
        .where('state', '<>', 'healthy')
        .orderBy(sql`case when state = 'dead' then 0 else 1 end`)
        .orderBy('last_failure_at', 'desc')
        .limit(limit)
        .execute(),
  }
}
