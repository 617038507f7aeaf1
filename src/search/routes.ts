import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { PostSearchQuery, SearchChannelParams, SearchPage, tags } from './schemas.js'

/** Full-text search (issue 19): in one channel, and across the channels a viewer may search. */
export function searchRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/channels/:slug/search',
    {
      schema: {
        tags,
        summary: "Search a channel's posts (text, captions, alt text, production tags), best match first",
        params: SearchChannelParams,
        querystring: PostSearchQuery,
        response: { 200: SearchPage },
      },
      config: { auth: 'optional', scope: 'read', rateLimit: 'searches' },
    },
    async (req) => ctx.search.searchChannel(req.auth?.account.id ?? null, req.params.slug, req.query),
  )

  app.get(
    '/api/v1/search',
    {
      schema: {
        tags,
        summary: 'Search posts across public channels and the channels you belong to, best match first',
        querystring: PostSearchQuery,
        response: { 200: SearchPage },
      },
      config: { auth: 'optional', scope: 'read', rateLimit: 'searches' },
    },
    async (req) => ctx.search.searchAll(req.auth?.account.id ?? null, req.query),
  )
}
