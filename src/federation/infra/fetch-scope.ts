import type { Logger } from '../../logger.js'
import type { OutboundClient } from '../../outbound/index.js'
import type { DeliveryHealth } from './delivery-health.js'
import type { FetchScope } from './guarded-fetch.js'

/** Thrown in place of fetching anything from a blocked instance. */
export class BlockedInstanceError extends Error {
  override name = 'BlockedInstanceError'
  constructor(readonly host: string) {
    super(`${host} is on the instance block list`)
  }
}

/** Statuses that say the inbox is gone for good (Fedify's permanentFailureStatusCodes default too). */
export const GONE_STATUSES: readonly number[] = [404, 410]

/**
 * The scope every Fedify request runs in (guarded-fetch.ts): the block list before anything is
 * dialled, and, for deliveries (POST), the instance's health before and after.
 *
 * A delivery to a blocked host is answered 410 without a connection, so Fedify treats it as a
 * permanent failure: not retried, and the permanent-failure handler may drop the follower. A
 * delivery to a dead host is answered 503 with Retry-After set to the next probe, so Fedify holds
 * it (re-enqueued with that delay) within its retry policy instead of dialling a dead server.
 * These answers carry `x-backlot-held` so logs tell them from a real remote's.
 */
export function createFetchScope(deps: {
  outbound: OutboundClient
  userAgent: string
  isBlockedInstance: (host: string) => Promise<boolean>
  health: DeliveryHealth
  logger: Pick<Logger, 'debug' | 'warn'>
}): FetchScope {
  const { health, logger } = deps
  return {
    outbound: deps.outbound,
    userAgent: deps.userAgent,
    async before(url, method) {
      if (await deps.isBlockedInstance(url.host)) {
        logger.debug({ host: url.host, method }, 'federation request to a blocked instance not made')
        if (method !== 'POST') throw new BlockedInstanceError(url.host)
        return new Response(null, { status: 410, headers: { 'x-backlot-held': 'blocked' } })
      }
      if (method !== 'POST') return null
      const holdMs = await health.holdFor(url.host)
      if (holdMs === null) return null
      return new Response(null, {
        status: 503,
        headers: { 'retry-after': String(Math.max(1, Math.ceil(holdMs / 1000))), 'x-backlot-held': 'dead' },
      })
    },
    async after(url, method, outcome) {
      if (method !== 'POST') return
      try {
        if ('error' in outcome) {
          const error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error)
          await health.recordFailure(url.host, { error, permanent: false })
        } else if (GONE_STATUSES.includes(outcome.status)) {
          await health.recordFailure(url.host, { status: outcome.status, permanent: true })
        } else if (outcome.status >= 500 || outcome.status === 429) {
          await health.recordFailure(url.host, { status: outcome.status, permanent: false })
        } else {
          await health.recordAlive(url.host, outcome.status)
        }
      } catch (error) {
        // Health is advice: a failed write must not turn a delivery into a failure.
        logger.warn({ err: error, host: url.host }, 'could not record delivery health')
      }
    },
  }
}
