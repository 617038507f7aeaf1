import fastifyMultipart from '@fastify/multipart'
import type { FastifyReply } from 'fastify'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import type { OpenedFile } from './files.js'
import { fileCacheControl } from './redirect.js'
import { MediaFileParams, MediaParams, MediaPatchBody, MediaUploadForm, MediaView } from './schemas.js'
import { readUploadForm } from './upload-form.js'
import { toMediaView } from './views.js'

const tags = ['media']

/**
 * `POST/GET/PATCH /api/v1/media…` and the files under `/media/{id}/{file}`, proxied or redirected
 * to the store (S3_MEDIA_DELIVERY; media/redirect.ts) after the same access check.
 */
export function mediaRoutes(app: App, ctx: AppContext): void {
  // Multipart parsing is registered only in this scope: every other route still refuses it.
  app.register(async (scope) => {
    await scope.register(fastifyMultipart)
    scope.post(
      '/api/v1/media',
      {
        schema: {
          tags,
          summary: 'Upload one image, video or voice note (multipart/form-data: file, alt, credit, spoiler)',
          consumes: ['multipart/form-data'],
          body: MediaUploadForm,
          response: { 201: MediaView, 202: MediaView },
        },
        // The body schema documents the form; readUploadForm validates it while it streams in.
        validatorCompiler: () => () => true,
        // A 30 MiB body on a weak link: the upload deadline, not the JSON one (request-deadline.ts).
        config: { auth: 'required', scope: 'post', bodyDeadline: 'upload', rateLimit: 'uploads' },
      },
      async (req, reply) => {
        const auth = requireAuth(req)
        const { maxBytes, minUploadBytesPerSecond, uploadRateWindowMs } = ctx.config.media
        const limits = {
          maxBytes,
          videoMaxBytes: ctx.config.media.video.maxBytes,
          workDir: ctx.config.media.video.workDir,
          minBytesPerSecond: minUploadBytesPerSecond,
          windowMs: uploadRateWindowMs,
        }
        try {
          const { media, isReady } = await ctx.media.upload(auth.account.id, () =>
            readUploadForm(req, limits),
          )
          return reply.code(isReady ? 201 : 202).send(toMediaView(media, ctx.config.publicUrl))
        } catch (error) {
          // Refused before the whole body arrived (too slow, too large, no slot): close the
          // connection after the answer (RFC 9110 §15.5.9) rather than keep draining the rest.
          if (!req.raw.complete) reply.header('connection', 'close')
          throw error
        }
      },
    )
  })

  app.get(
    '/api/v1/media/:id',
    {
      schema: {
        tags,
        summary: 'A media item (its owner while unattached; readers of its post after)',
        params: MediaParams,
        response: { 200: MediaView },
      },
      config: { auth: 'optional', rateLimit: 'reads' },
    },
    async (req) => {
      const media = await ctx.media.get(req.auth?.account.id ?? null, req.params.id)
      return toMediaView(media, ctx.config.publicUrl, ctx.media.progressOf(media.id))
    },
  )

  app.patch(
    '/api/v1/media/:id',
    {
      schema: {
        tags,
        summary: 'Change alt text, credit or spoiler flag of your own unattached media',
        params: MediaParams,
        body: MediaPatchBody,
        response: { 200: MediaView },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'post-changes' },
    },
    async (req) => {
      const media = await ctx.media.update(requireAuth(req).account.id, req.params.id, req.body)
      return toMediaView(media, ctx.config.publicUrl)
    },
  )

  app.get(
    '/media/:id/:file',
    {
      schema: {
        tags,
        summary: 'A media file: its bytes, or with S3_MEDIA_DELIVERY=redirect a 302 to a signed store URL',
        params: MediaFileParams,
      },
      config: { auth: 'optional', rateLimit: 'media-files' },
    },
    // HEAD is answered by this handler too (Fastify's exposeHeadRoutes), with the same status and headers.
    async (req, reply) => {
      const range = { range: req.headers.range, ifRange: headerText(req.headers['if-range']) }
      const viewerId = req.auth?.account.id ?? null
      const served = await ctx.media.serve(viewerId, req.params.id, req.params.file, range)
      if (served.kind === 'redirect') {
        // Referrer-Policy on a redirect applies to the redirected request (Fetch), so the store's
        // access logs never see the page, e.g. a private channel's post, the image was shown on.
        return reply
          .code(302)
          .header('location', served.redirect.location)
          .header('cache-control', served.redirect.cacheControl)
          .header('referrer-policy', 'no-referrer')
          .send()
      }
      const { file } = served
      reply
        .header('content-type', file.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('etag', file.etag)
        .header('cache-control', fileCacheControl(file.isPublic))
        .header('accept-ranges', 'bytes')
      if (req.headers['if-none-match'] === file.etag) {
        file.body.destroy()
        return reply.code(304).send()
      }
      return sendRange(reply, file)
    },
  )
}

/** The body of a media file: whole (200), the requested range (206), or 416 (byte-range.ts). */
function sendRange(reply: FastifyReply, file: OpenedFile) {
  const { range } = file
  if (range.kind === 'unsatisfiable') {
    file.body.destroy()
    return reply.code(416).header('content-range', `bytes */${file.size}`).send()
  }
  if (range.kind === 'whole') return reply.header('content-length', String(file.size)).send(file.body)
  const { start, end } = range.range
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${file.size}`)
    .header('content-length', String(end - start + 1))
    .send(file.body)
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
