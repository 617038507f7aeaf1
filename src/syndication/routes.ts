import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { isNotModified } from '../http/conditional.js'
import { markLanguage } from '../http/language.js'
import { negotiateLanguage } from '../i18n/index.js'
import { type ReachSource, reachOf } from '../reach/index.js'
import { OEmbedQuery, OEmbedResponse, POST_PATH } from './oembed.js'
import type { FeedFormat, RenderedFeed } from './service.js'

const tags = ['syndication']

/** An oEmbed lookup counts for the post its url names (only answered lookups count: 200 or 304). */
const oembedReach: ReachSource = (req) => {
  const url = (req.query as { url?: string }).url
  if (url === undefined || !URL.canParse(url)) return null
  const postId = POST_PATH.exec(new URL(url).pathname)?.[2]
  return postId ? { surface: 'oembed', postId } : null
}

function sendFeed(req: FastifyRequest, reply: FastifyReply, feed: RenderedFeed) {
  reply
    .header('etag', feed.etag)
    .header('last-modified', new Date(feed.lastModified).toUTCString())
    .header('cache-control', 'public, max-age=60')
    .header('x-content-type-options', 'nosniff')
    .header('access-control-allow-origin', '*')
  if (!feed.isIndexable) reply.header('x-robots-tag', 'noindex')
  if (isNotModified(req, feed.etag, feed.lastModified)) return reply.code(304).send()
  return reply.type(feed.contentType).send(feed.body)
}

/** Feeds per channel and the oEmbed endpoint. */
export function syndicationRoutes(app: App, ctx: AppContext): void {
  const formats: Record<string, FeedFormat> = { 'feed.rss': 'rss', 'feed.atom': 'atom', 'feed.json': 'json' }
  for (const [file, format] of Object.entries(formats)) {
    app.get(
      `/c/:slug/${file}`,
      {
        schema: {
          tags,
          summary: `The channel's ${format === 'rss' ? 'RSS 2.0' : format === 'atom' ? 'Atom' : 'JSON Feed 1.1'} feed (public and unlisted channels)`,
          params: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) }),
        },
        config: { auth: 'none', rateLimit: 'pages', reach: reachOf.feed(format) },
      },
      async (req, reply) => {
        // No session here (auth: none): the feed's words follow Accept-Language alone.
        const language = negotiateLanguage(req.headers['accept-language'])
        markLanguage(reply, language)
        return sendFeed(req, reply, await ctx.syndication.feed(req.params.slug, format, language))
      },
    )
  }

  app.get(
    '/oembed',
    {
      schema: {
        tags,
        summary: 'oEmbed for post pages (JSON, type rich)',
        querystring: OEmbedQuery,
        response: { 200: OEmbedResponse, 304: Type.Null({ description: 'Not modified (If-None-Match)' }) },
      },
      config: { auth: 'none', rateLimit: 'pages', reach: oembedReach },
    },
    async (req, reply) => {
      const language = negotiateLanguage(req.headers['accept-language'])
      markLanguage(reply, language)
      const { body, etag } = await ctx.syndication.oembed(
        req.query,
        ctx.pageAssets().embedHostJs.path,
        language,
      )
      reply
        .header('etag', etag)
        .header('cache-control', 'public, max-age=300')
        .header('access-control-allow-origin', '*')
      if (isNotModified(req, etag, null)) return reply.code(304).send(null)
      return reply.type('application/json; charset=utf-8').send(body)
    },
  )
}
