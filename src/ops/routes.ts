import { sql } from 'kysely'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'

/** Health for load balancers (`/healthz`: the process is up; `/readyz`: it can serve) and metrics. */
export function opsRoutes(app: App, ctx: AppContext): void {
  app.get('/healthz', { schema: { hide: true }, config: { auth: 'none' } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true }, config: { auth: 'none' } }, async (_req, reply) => {
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

  app.get('/metrics', { schema: { hide: true }, config: { auth: 'none' } }, async (_req, reply) => {
    reply.type(ctx.metrics.registry.contentType)
    return ctx.metrics.registry.metrics()
  })
}
