import fastifyMultipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Config } from '../config/config.js'
import type { Db } from '../db/database.js'
import { fail } from '../errors.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { readUploadForm } from '../media/index.js'
import { traceableChannel, traceLeak } from './trace.js'

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])

const TraceView = Type.Object({
  source: Type.Union([
    Type.Object({
      kind: Type.Union([Type.Literal('preview'), Type.Literal('kit')]),
      linkId: Type.String(),
      channelSlug: Type.String(),
      postId: Nullable(Type.String()),
      digestId: Nullable(Type.String()),
      recipient: Type.String(),
      outlet: Type.String(),
      email: Nullable(Type.String()),
      createdAt: Type.Number(),
      revokedAt: Type.Union([Type.Number(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  score: Type.Number(),
  nextScore: Type.Number(),
  threshold: Type.Number(),
  candidates: Type.Integer(),
  scale: Type.Number(),
})

/**
 * `POST /api/v1/channels/{slug}/trace` (issue 19 part 4): the owner or an admin uploads a leaked
 * image (multipart, field `file`) and learns which of the channel's press links it came from — the
 * API form of `backlot trace --channel`. Multipart is parsed only in this scope, as for uploads.
 */
export function traceRoutes(app: App, ctx: { db: Db; config: Config }): void {
  app.register(async (plain) => {
    await plain.register(fastifyMultipart)
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>()
    scope.post(
      '/api/v1/channels/:slug/trace',
      {
        schema: {
          tags: ['press'],
          summary: 'Which press link of the channel a leaked image came from (multipart/form-data: file)',
          consumes: ['multipart/form-data'],
          params: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) }),
          response: { 200: TraceView },
        },
        config: { auth: 'required', scope: 'post', bodyDeadline: 'upload', rateLimit: 'traces' },
      },
      async (req, reply) => {
        const channelId = await traceableChannel(ctx.db, requireAuth(req).account.id, req.params.slug)
        const { maxBytes, minUploadBytesPerSecond, uploadRateWindowMs } = ctx.config.media
        try {
          // A leak is traced from a photo: clips are refused from their first bytes (videoMaxBytes 0).
          const form = await readUploadForm(req, {
            maxBytes,
            videoMaxBytes: 0,
            workDir: ctx.config.media.video.workDir,
            minBytesPerSecond: minUploadBytesPerSecond,
            windowMs: uploadRateWindowMs,
          })
          return await traceLeak(
            ctx.db,
            form.bytes ?? fail('unsupported-image', 'Only a photo can be traced.'),
            { channelId },
          )
        } catch (error) {
          if (!req.raw.complete) reply.header('connection', 'close')
          throw error
        }
      },
    )
  })
}
