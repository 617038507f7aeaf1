import { sql } from 'kysely'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'

/**
 * Health for load balancers (`/healthz`: the process is up; `/readyz`: it can serve) and metrics.
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

  app.get('/metrics', { schema: { hide: true }, config: unlimited }, async (_req, reply) => {
    reply.type(ctx.metrics.registry.contentType)
    return ctx.metrics.registry.metrics()
  })
}
