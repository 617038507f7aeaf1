import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import { type RateLimitBucket, rateLimitBuckets } from '../config/rate-limits.js'
import type { RequestLimits } from './request-limits.js'

/**
 * Declared per route in `config`, beside its handler (STYLE rule 3): the bucket(s) a request
 * counts against. `false` only for the operational routes that must always answer (health,
 * readiness, metrics); test/integration/rate-limits-routes.test.ts fails for any other route
 * without a bucket.
 */
export type RouteRateLimit = RateLimitBucket | readonly RateLimitBucket[] | false

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit
  }
}

export interface DeclaredRouteLimit {
  method: string
  url: string
  rateLimit: RouteRateLimit | undefined
}

const declaredByApp = new WeakMap<FastifyInstance, RouteOptions[]>()

/** Every route registered on `app` with the rate limit it declared (for the coverage test). */
export function declaredRouteLimits(app: FastifyInstance): readonly DeclaredRouteLimit[] {
  // Read now, not when recorded: a plugin scope's own onRoute hook may set the config after ours.
  return (declaredByApp.get(app) ?? []).map((route) => ({
    method: [route.method].flat().join(','),
    url: route.url,
    rateLimit: route.config?.rateLimit,
  }))
}

function bucketsOf(rateLimit: RouteRateLimit | undefined): readonly RateLimitBucket[] {
  if (!rateLimit) return []
  return typeof rateLimit === 'string' ? [rateLimit] : rateLimit
}

function routeBuckets(req: FastifyRequest): readonly RateLimitBucket[] {
  return bucketsOf(req.routeOptions.config?.rateLimit)
}

/**
 * Counts every request against its route's buckets before any work is done for it: per client
 * address in `onRequest`, ahead of authentication (so a flood of bad credentials is limited too),
 * then per account in `preParsing`, once authentication has run and before the body is read. A
 * refusal is the 429 `rate-limited` problem with Retry-After; the handler never runs. Register it
 * before the authentication hook.
 */
export function registerRateLimits(app: FastifyInstance, limits: RequestLimits): void {
  const declared: RouteOptions[] = []
  declaredByApp.set(app, declared)
  app.addHook('onRoute', (route) => {
    declared.push(route)
  })
  // A misspelt bucket (from plain JavaScript or a cast) stops start-up, not a request.
  app.addHook('onReady', async () => {
    for (const route of declaredRouteLimits(app)) {
      for (const bucket of bucketsOf(route.rateLimit)) {
        if (!(bucket in rateLimitBuckets)) throw new Error(`${route.url}: no rate-limit bucket "${bucket}"`)
      }
    }
  })

  app.addHook('onRequest', async (req) => {
    const buckets = routeBuckets(req)
    if (buckets.length === 0 || limits.isExempt(req.ip)) return
    for (const bucket of buckets) await limits.enforce(bucket, { address: req.ip })
  })

  app.addHook('preParsing', async (req) => {
    const account = req.auth?.account.id
    if (account === undefined) return
    const buckets = routeBuckets(req).filter(limits.countsAccounts)
    if (buckets.length === 0 || limits.isExempt(req.ip)) return
    for (const bucket of buckets) await limits.enforce(bucket, { account })
  })
}
