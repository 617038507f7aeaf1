import { Type } from '@sinclair/typebox'
import type { onResponseHookHandler } from 'fastify'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import type { ReachSource } from './hits.js'
import { ReachQuery, ReachReportView } from './schemas.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What a public route counts for reach (issue 19 part 5) when it answers 200 or 304: read from
     * the validated request after the reply is sent, so the page never waits and a page served
     * from the page cache or a 304 counts like a fresh one.
     */
    reach?: ReachSource
  }
}

/**
 * Counts every answered GET of a route with a `reach` option (pages, embeds, feeds, oEmbed). The
 * hook is attached to those routes only (onRoute), so no other route pays for it; a HEAD (link
 * checkers) is not a view. With BACKLOT_REACH_COUNTING=false nothing is attached.
 */
export function reachCounting(app: App, ctx: AppContext): void {
  if (!ctx.config.reachCounting) return
  // One handler per counted route, holding its source: no lookup of the route's options per request.
  const counter =
    (source: ReachSource): onResponseHookHandler =>
    (req, reply, done) => {
      if (req.method === 'GET' && (reply.statusCode === 200 || reply.statusCode === 304)) {
        const hit = source(req)
        if (hit) ctx.reach.record(hit, { address: req.ip, userAgent: req.headers['user-agent'] })
      }
      done()
    }
  app.addHook('onRoute', (route) => {
    const source = route.config?.reach
    if (!source) return
    const existing = route.onResponse
    route.onResponse = [...(existing === undefined ? [] : [existing].flat()), counter(source)]
  })
}

/** The studio's reach analytics, for the channel's owner and admins. */
export function reachRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/channels/:slug/analytics/reach',
    {
      schema: {
        tags: ['channels'],
        summary: 'Reach: views per surface per day, embedding sites, feed readers (owner and admins)',
        params: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) }),
        querystring: ReachQuery,
        response: { 200: ReachReportView },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => ctx.reach.report(requireAuth(req).account.id, req.params.slug, req.query.days),
  )
}
