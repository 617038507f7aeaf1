import { sql } from 'kysely'
import type { AppContext } from '../context.js'
import { DomainError } from '../errors.js'
import type { App } from '../http/app.js'
import { primaryPort } from '../ipc/ipc-port.js'
import { requestClusterMetrics } from './cluster-metrics.js'
import { mayReadMetrics } from './metrics-access.js'

/**
 * Health for load balancers (`/healthz`: the process is up; `/readyz`: it can serve) and metrics
 * (BACKLOT_METRICS_TOKEN guards them, BACKLOT_METRICS_PORT moves them to a port of their own).
 * The only routes without a rate limit (`rateLimit: false`): load balancers and Prometheus poll
 * them from a few addresses, a refused health check would take a healthy node out of rotation, and
 * each does fixed, tiny work (no input; at most one `select 1`).
 */
export function opsRoutes(app: App, ctx: AppContext): void {
  const unlimited = { auth: 'none', rateLimit: false } as const
  app.get('/healthz', { schema: { hide: true }, config: unlimited }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true }, config: unlimited }, async (_req, reply) => {
    if (ctx.lifecycle.isDraining) {
      return reply.code(503).type('application/json').send({ status: 'draining' })
    }
    try {
      await sql`select 1`.execute(ctx.db)
    } catch {
      return reply.code(503).type('application/json').send({ status: 'database unavailable' })
    }
    return { status: 'ready' }
  })

  // With BACKLOT_METRICS_PORT, /metrics lives on that port only (metrics-server.ts).
  if (ctx.config.metrics.port !== undefined) return
  app.get('/metrics', { schema: { hide: true }, config: unlimited }, async (req, reply) => {
    if (!mayReadMetrics(ctx.config.metrics.token, req.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer')
      throw new DomainError(
        'unauthenticated',
        'Send the metrics token: Authorization: Bearer <BACKLOT_METRICS_TOKEN>.',
      )
    }
    reply.type(ctx.metrics.registry.contentType)
    // A `--workers` worker answers for all of them (cluster-metrics.ts).
    const primary = primaryPort()
    return primary ? requestClusterMetrics(primary) : ctx.metrics.registry.metrics()
  })
}
