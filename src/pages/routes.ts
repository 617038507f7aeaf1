import { Type } from '@sinclair/typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { isNotModified } from '../http/conditional.js'
import { logProblem, toProblem } from '../http/error-handler.js'
import { markLanguage, requestLanguage } from '../http/language.js'
import { problemTitle } from '../http/problem-titles.js'
import type { Language } from '../i18n/index.js'
import { fileCacheControl, mediaImageOrigins } from '../media/index.js'
import { kitZip } from '../production/index.js'
import { reachOf } from '../reach/index.js'
import type { ImageBytes } from '../reads/index.js'
import { DIRECTORY_CATEGORIES } from '../search/index.js'
import type { PageAsset, PageAssets } from './assets.js'
import { html } from './html.js'
import { document } from './layout.js'
import type { RenderedPage, ServedPage } from './service.js'
import { errorBody, errorTitle } from './templates.js'
import { pageText } from './text.js'

const hide = { hide: true }
const Slug = Type.String({ minLength: 1, maxLength: 100 })
const PostId = Type.String({ minLength: 1, maxLength: 100 })
const RevealQuery = Type.Object({ reveal: Type.Optional(Type.String({ maxLength: 5 })) })
const DirectoryQuery = Type.Object(
  {
    // The form sends `q=` when left empty: that lists every channel.
    q: Type.Optional(Type.String({ maxLength: 200 })),
    category: Type.Optional(Type.Union(DIRECTORY_CATEGORIES.map((c) => Type.Literal(c)))),
    sort: Type.Optional(Type.Union([Type.Literal('members'), Type.Literal('activity')])),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  // Shared links gain tracking parameters (utm_…): ignored, not refused.
)

/**
 * CSP of every public page; only the embed may be framed, and only it drops frame-ancestors 'none'.
 * `mediaOrigins`: where /media/ files may redirect to (the S3 store, BACKLOT_S3_MEDIA_DELIVERY=redirect).
 */
export function pageCsp(
  origin: string,
  isFrameable: boolean,
  mediaOrigins: readonly string[] = [],
  hasSearchForm = false,
): string {
  return [
    "default-src 'none'",
    `img-src 'self' ${[origin, ...mediaOrigins].join(' ')}`,
    // Videos and voice notes play from the same places as images (issue 20).
    `media-src 'self' ${[origin, ...mediaOrigins].join(' ')}`,
    "style-src 'self'",
    "script-src 'self'",
    // The island's live stream (SSE) and its fetches: this server only.
    "connect-src 'self'",
    "base-uri 'none'",
    // Only the directory has a form (its search, a GET to /c/ on this server).
    hasSearchForm ? "form-action 'self'" : "form-action 'none'",
    isFrameable ? 'frame-ancestors *' : "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * Server-rendered public pages and the files they use (issue 6 items 4, 5, 7): /c/{slug},
 * /c/{slug}/p/{id}[/{n}], /c/{slug}/timeline, /c/{slug}/digests/{id}, /embed/p/{id}, /preview/{token},
 * /media/{id}/blur.jpg and /_pages/*. Errors here are small HTML pages, not problem+json.
 */
export function pageRoutes(app: App, ctx: AppContext): void {
  app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, req, reply) => {
      // The same mapping and log levels as the API's edge: a framework refusal (a bad URL, a
      // body on a GET) is the client's 4xx here too, not a 500.
      const problem = toProblem(error)
      logProblem(req, problem, error)
      const status = problem.status
      const text = pageText(requestLanguage(req))
      const message =
        status === 404 ? text.t('error.notFoundDetail') : problemTitle(problem.code, text.language)
      const meta = {
        language: text.language,
        title: errorTitle(text, status),
        description: message,
        canonical: ctx.config.publicUrl.href,
        isIndexable: false,
        siteName: 'Backlot',
        ogType: 'website' as const,
        image: null,
        feeds: null,
        oembed: null,
      }
      const page = {
        html: document(meta, ctx.pageAssets(), errorBody(text, status, message)),
        isIndexable: false,
        isCacheable: false,
        link: null,
      }
      return sendPage(req, reply, ctx, page, status)
    })
    registerPages(scope as unknown as App, ctx)
  })
}

/**
 * The language of a page (issue 16 point 4): the signed-in reader's own setting, else the
 * browser's Accept-Language, else English (http/language.ts). Routes without auth (embed, press
 * preview) see no session, so only the header counts there.
 */
function pageLanguage(req: FastifyRequest): { language: Language; isFromSetting: boolean } {
  const language = requestLanguage(req)
  return { language, isFromSetting: req.auth?.account.language === language }
}

/**
 * Sends a page with its headers. A page with validators (every 200 page: ServedPage) sends its
 * ETag (and Last-Modified when it has one) and answers a matching If-None-Match/If-Modified-Since
 * with 304 and no body; the caller has already checked access, so a 304 only ever confirms a copy
 * to a reader allowed to see it.
 *
 * Every page says its language (`Content-Language`) and that it depends on `Accept-Language`
 * (`Vary`), so a shared cache keeps one copy per language. A page whose language came from the
 * reader's setting (their session cookie) is `private`: no shared cache may hand a language chosen
 * by one person's cookie to anyone else.
 */
function sendPage(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  page: RenderedPage | ServedPage,
  status = 200,
) {
  const { language, isFromSetting } = pageLanguage(req)
  const isShared = page.isCacheable && !isFromSetting
  markLanguage(reply, language)
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      pageCsp(
        ctx.config.publicUrl.origin,
        page.isFrameable === true,
        mediaImageOrigins(ctx.config.media.delivery),
        page.hasSearchForm === true,
      ),
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', page.isCacheable ? 'strict-origin-when-cross-origin' : 'no-referrer')
    .header('cache-control', isShared ? 'public, max-age=60' : 'private, no-store')
  if (!page.isFrameable) reply.header('x-frame-options', 'DENY')
  if (!page.isIndexable) reply.header('x-robots-tag', 'noindex, nofollow')
  if (page.link) reply.header('link', page.link)
  if ('etag' in page && status === 200) {
    reply.header('etag', page.etag)
    if (page.lastModified !== null) reply.header('last-modified', new Date(page.lastModified).toUTCString())
    if (isNotModified(req, page.etag, page.lastModified)) return reply.code(304).send()
  }
  return reply.send(page.html)
}

function sendImage(reply: FastifyReply, file: ImageBytes, ifNoneMatch: string | undefined) {
  reply
    .type(file.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('etag', file.etag)
    .header('cache-control', fileCacheControl(file.isPublic))
  if (ifNoneMatch === file.etag) {
    file.body.destroy()
    return reply.code(304).send()
  }
  return reply.header('content-length', String(file.size)).send(file.body)
}

function registerPages(app: App, ctx: AppContext): void {
  const optional = { auth: 'optional' as const, rateLimit: 'pages' as const }
  const viewer = (req: { auth: { account: { id: string } } | null }) => req.auth?.account.id ?? null
  const isReveal = (q: { reveal?: string }) => q.reveal === '1'
  const language = (req: FastifyRequest) => pageLanguage(req).language

  app.get(
    '/c/',
    {
      schema: { ...hide, querystring: DirectoryQuery },
      // Each request may run a full-text search: it counts as one, as well as a page.
      config: { auth: 'optional' as const, rateLimit: ['pages', 'searches'] as const },
    },
    async (req, reply) => sendPage(req, reply, ctx, await ctx.pages.directoryPage(language(req), req.query)),
  )
  app.get(
    '/c/:slug',
    {
      schema: {
        ...hide,
        params: Type.Object({ slug: Slug }),
        querystring: Type.Object({ before: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
      config: { ...optional, reach: reachOf.channelPage },
    },
    async (req, reply) =>
      sendPage(
        req,
        reply,
        ctx,
        await ctx.pages.channelPage(language(req), req.params.slug, viewer(req), req.query.before),
      ),
  )
  app.get(
    '/c/:slug/p/:id',
    {
      schema: { ...hide, params: Type.Object({ slug: Slug, id: PostId }), querystring: RevealQuery },
      config: { ...optional, reach: reachOf.postPage },
    },
    async (req, reply) => {
      const reveal = isReveal(req.query)
      const page = await ctx.pages.postPage(
        language(req),
        req.params.slug,
        req.params.id,
        viewer(req),
        reveal,
      )
      return sendPage(req, reply, ctx, page)
    },
  )
  app.get(
    '/c/:slug/p/:id/:n',
    {
      schema: {
        ...hide,
        params: Type.Object({ slug: Slug, id: PostId, n: Type.Integer({ minimum: 1, maximum: 100 }) }),
        querystring: RevealQuery,
      },
      config: { ...optional, reach: reachOf.postPage },
    },
    async (req, reply) => {
      const reveal = isReveal(req.query)
      const page = await ctx.pages.imagePage(
        language(req),
        req.params.slug,
        req.params.id,
        req.params.n,
        viewer(req),
        reveal,
      )
      return sendPage(req, reply, ctx, page)
    },
  )
  app.get(
    '/c/:slug/fragments',
    {
      schema: {
        ...hide,
        params: Type.Object({ slug: Slug }),
        querystring: Type.Object({
          ids: Type.String({ pattern: '^[0-9A-Za-z]{1,100}(,[0-9A-Za-z]{1,100}){0,19}$' }),
          view: Type.Union([Type.Literal('card'), Type.Literal('post')]),
        }),
      },
      config: optional,
    },
    async (req, reply) => {
      const ids = [...new Set(req.query.ids.split(','))]
      const page = await ctx.pages.fragments(language(req), req.params.slug, viewer(req), ids, req.query.view)
      return sendPage(req, reply, ctx, page)
    },
  )
  app.get(
    '/c/:slug/timeline',
    { schema: { ...hide, params: Type.Object({ slug: Slug }) }, config: optional },
    async (req, reply) =>
      sendPage(req, reply, ctx, await ctx.pages.timelinePage(language(req), req.params.slug, viewer(req))),
  )
  app.get(
    '/c/:slug/digests/:digestId',
    { schema: { ...hide, params: Type.Object({ slug: Slug, digestId: PostId }) }, config: optional },
    async (req, reply) =>
      sendPage(
        req,
        reply,
        ctx,
        await ctx.pages.digestPage(language(req), req.params.slug, req.params.digestId, viewer(req)),
      ),
  )
  app.get(
    '/embed/p/:id',
    {
      schema: { ...hide, params: Type.Object({ id: PostId }) },
      config: { auth: 'none', rateLimit: 'pages', reach: reachOf.embed },
    },
    async (req, reply) => sendPage(req, reply, ctx, await ctx.pages.embedPage(language(req), req.params.id)),
  )
  app.get(
    '/preview/:token',
    {
      schema: { ...hide, params: Type.Object({ token: Type.String({ maxLength: 100 }) }) },
      config: { auth: 'none', rateLimit: 'pages' },
    },
    async (req, reply) => {
      const page = await ctx.pages.previewPage(language(req), req.params.token)
      if ('redirect' in page)
        return reply.code(303).header('cache-control', 'no-store').redirect(page.redirect, 303)
      return sendPage(req, reply, ctx, page)
    },
  )
  app.get(
    '/kit/:token',
    {
      schema: { ...hide, params: KitParams },
      config: { auth: 'none', rateLimit: 'pages' },
    },
    async (req, reply) =>
      sendPage(req, reply, ctx, await ctx.pages.pressKitPage(language(req), req.params.token)),
  )
  fileRoutes(app, ctx)
}

const KitParams = Type.Object({ token: Type.String({ maxLength: 100 }) })

/**
 * An image file served through a secret press link (`/preview/…` or `/kit/…`): the token decides,
 * the service marks the image for that link; never indexed, never sent on as a Referer.
 */
function tokenFileRoute(
  app: App,
  prefix: '/kit' | '/preview',
  serve: (token: string, mediaId: string, file: string) => Promise<ImageBytes>,
): void {
  app.get(
    `${prefix}/:token/:mediaId/:file`,
    {
      schema: {
        ...hide,
        params: Type.Object({
          token: Type.String({ maxLength: 100 }),
          mediaId: PostId,
          file: Type.String({ maxLength: 20 }),
        }),
      },
      config: { auth: 'none', rateLimit: 'media-files' },
    },
    async (req, reply) => {
      const file = await serve(req.params.token, req.params.mediaId, req.params.file)
      reply.header('x-robots-tag', 'noindex').header('referrer-policy', 'no-referrer')
      return sendImage(reply, file, req.headers['if-none-match'])
    },
  )
}

function fileRoutes(app: App, ctx: AppContext): void {
  tokenFileRoute(app, '/kit', (token, mediaId, file) => ctx.pressKits.file(token, mediaId, file))
  app.get(
    '/kit/:token/press-kit.zip',
    {
      schema: { ...hide, params: KitParams },
      config: { auth: 'none', rateLimit: 'press-kit-downloads' },
    },
    async (req, reply) => {
      const { opened, files } = await ctx.pressKits.download(req.params.token)
      return reply
        .type('application/zip')
        .header(
          'content-disposition',
          `attachment; filename="press-kit-${opened.channel.slug}-${opened.digest?.id ?? opened.posts[0]!.post.id}.zip"`,
        )
        .header('cache-control', 'no-store')
        .header('x-robots-tag', 'noindex')
        .header('referrer-policy', 'no-referrer')
        .send(kitZip(opened, files, ctx.clock.now()))
    },
  )
  tokenFileRoute(app, '/preview', (token, mediaId, file) => ctx.imageFiles.previewFile(token, mediaId, file))
  app.get(
    '/media/:id/blur.jpg',
    {
      schema: {
        tags: ['media'],
        summary: 'The blurred rendering of an image (shown for spoilers outside the app)',
        params: Type.Object({ id: PostId }),
      },
      config: { auth: 'optional', rateLimit: 'media-files' },
    },
    async (req, reply) =>
      sendImage(
        reply,
        await ctx.imageFiles.blurFile(req.auth?.account.id ?? null, req.params.id),
        req.headers['if-none-match'],
      ),
  )
  app.get(
    '/_pages/:file',
    {
      schema: { ...hide, params: Type.Object({ file: Type.String({ maxLength: 40 }) }) },
      config: { auth: 'none', rateLimit: 'pages' },
    },
    async (req, reply) => {
      const asset = pageAssetFiles(ctx.pageAssets()).get(req.params.file)
      if (!asset) {
        const notFound = pageText(pageLanguage(req).language).t('error.notFound')
        const page = { html: html`${notFound}`.value, isIndexable: false, isCacheable: false, link: null }
        return sendPage(req, reply, ctx, page, 404)
      }
      return reply
        .type(asset.type)
        .header('x-content-type-options', 'nosniff')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(asset.body)
    },
  )
}

/**
 * The files under /_pages/ by name. A Map, not an object literal: the name comes from the URL, and
 * `{…}['__proto__']` or `['constructor']` would find Object.prototype's members (issue 14 item 7).
 */
function pageAssetFiles(assets: PageAssets): ReadonlyMap<string, PageAsset | null> {
  return new Map([
    ['pages.css', assets.css],
    ['embed.js', assets.embedJs],
    ['embed-host.js', assets.embedHostJs],
    ['island.js', assets.island],
  ])
}
