import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { CAPTION_MAX_BYTES } from './captions/webvtt.js'
import { CaptionParams, CaptionQuery, MediaView } from './schemas.js'
import { toMediaView } from './views.js'

const tags = ['media']

/**
 * `PUT/DELETE /api/v1/media/{id}/captions/{lang}`: a video's WebVTT caption tracks (issue 20). The
 * body is the .vtt file itself (`Content-Type: text/vtt`), read as bytes so that the service, not
 * the HTTP layer, decides what is valid UTF-8 and valid WebVTT (captions/webvtt.ts).
 */
export function captionRoutes(app: App, ctx: AppContext): void {
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>()
    // Only this scope reads text/vtt bodies; the body limit is the caption cap plus headroom, so a
    // larger file is cut off by Fastify before it is buffered, and one just over the cap gets the
    // service's `caption-too-large`.
    scope.addContentTypeParser(
      'text/vtt',
      { parseAs: 'buffer', bodyLimit: CAPTION_MAX_BYTES + 1024 },
      (_req, body, done) => done(null, body),
    )
    scope.put(
      '/api/v1/media/:id/captions/:lang',
      {
        schema: {
          tags,
          summary:
            'Add or replace a caption track (body: the WebVTT file, Content-Type text/vtt) of your own unattached video',
          consumes: ['text/vtt'],
          params: CaptionParams,
          querystring: CaptionQuery,
          response: { 200: MediaView },
        },
        config: { auth: 'required', scope: 'post', rateLimit: 'post-changes' },
      },
      async (req) => {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
        const media = await ctx.media.setCaption(requireAuth(req).account.id, req.params.id, {
          lang: req.params.lang,
          label: req.query.label,
          bytes,
        })
        return toMediaView(media, ctx.config.publicUrl)
      },
    )
  })

  app.delete(
    '/api/v1/media/:id/captions/:lang',
    {
      schema: {
        tags,
        summary: 'Remove a caption track of your own unattached video',
        params: CaptionParams,
        response: { 200: MediaView },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'post-changes' },
    },
    async (req) => {
      const media = await ctx.media.removeCaption(requireAuth(req).account.id, req.params.id, req.params.lang)
      return toMediaView(media, ctx.config.publicUrl)
    },
  )
}
