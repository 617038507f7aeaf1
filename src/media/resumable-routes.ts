import type { IncomingMessage } from 'node:http'
import { Server as TusServer } from '@tus/server'
import { Metadata } from '@tus/utils'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import type { ResumableUploadRow } from '../db/schema.js'
import { fail } from '../errors.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { buildProblem } from '../http/problems.js'
import { ResumableUploadView, UploadChannelParams, UploadParams } from './resumable/schemas.js'
import type { Completion } from './resumable/service.js'
import { parseFields } from './upload-form.js'

const tags = ['media']
const TUS_VERSION = '1.0.0'
/** The response header naming the media item a completed upload became (final PATCH, HEAD). */
export const MEDIA_ID_HEADER = 'Backlot-Media-Id'

/**
 * Resumable uploads with the tus protocol (https://tus.io/protocols/resumable-upload, issue 20
 * part 1) under `/api/v1/channels/{slug}/uploads/`. Fastify stays in front of @tus/server: the
 * usual authentication, token scope, CSRF and rate limits, then the service's checks (may this
 * account post in this channel; Upload-Length within BACKLOT_VIDEO_MAX_BYTES; the upload is this
 * account's and this channel's), refused as problem+json before tus sees the request. Only then is
 * the raw request handed to tus, which speaks the protocol (offsets, chunks, termination) over the
 * upload store (disk or S3).
 */
export function resumableUploadRoutes(app: App, ctx: AppContext): void {
  const service = ctx.resumableUploads
  const { uploadStore } = service
  // The id the server chose for a creation request, for tus's naming function.
  const chosenIds = new WeakMap<IncomingMessage, string>()
  const tus = new TusServer({
    path: '/api/v1/channels',
    datastore: uploadStore.dataStore,
    maxSize: ctx.config.media.video.maxBytes,
    // Same origin only: the studio runs on this origin, and scripts are not browsers.
    allowedOrigins: () => false,
    disableTerminationForFinishedUploads: true,
    // Redis-backed across nodes when Redis is configured (kv/redis-upload-locker.ts); else tus's MemoryLocker.
    ...(ctx.uploadLocker ? { locker: ctx.uploadLocker } : {}),
    namingFunction: (req) => {
      const id = chosenIds.get(nodeRequest(req))
      if (!id) throw new Error('a tus upload was created without a server-chosen id')
      return uploadStore.storeId(id)
    },
    // Relative to the server (RFC 9110 §10.2.2): never built from a client's Host header.
    generateUrl: (req, { id }) => `${uploadsPathOf(new URL(req.url).pathname)}${uploadStore.uploadIdOf(id)}`,
    getFileIdFromRequest: (_req, lastPath) => (lastPath ? uploadStore.storeId(lastPath) : undefined),
    onUploadFinish: async (_req, upload) =>
      finishResponse(await service.complete(uploadStore.uploadIdOf(upload.id!))),
  })

  function finishResponse(completion: Completion | null): FinishResponse {
    if (!completion) return {}
    if (completion.kind === 'media') return { headers: { [MEDIA_ID_HEADER]: completion.result.media.id } }
    const problem = buildProblem(completion.error.reason, completion.error.detail)
    return {
      status_code: problem.status,
      headers: { 'Content-Type': 'application/problem+json' },
      body: JSON.stringify(problem),
    }
  }

  async function handOver(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.hijack()
    await tus.handle(req.raw, reply.raw)
  }

  app.register(async (scope) => {
    // PATCH bodies are left unread for tus to stream into the store (no size limit here: tus holds
    // each chunk to the upload's length, which was checked at creation).
    scope.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null))
    const itemConfig = { auth: 'required', scope: 'post', rateLimit: 'upload-chunks' } as const

    scope.post(
      '/api/v1/channels/:slug/uploads',
      {
        schema: {
          tags,
          summary:
            'Start a resumable upload (tus 1.0.0 creation: Upload-Length, Upload-Metadata with alt, credit, rights, spoiler, spoilerLabel)',
          params: UploadChannelParams,
        },
        config: { auth: 'required', scope: 'post', rateLimit: 'uploads' },
      },
      async (req, reply) => {
        const auth = requireAuth(req)
        requireTus(req)
        const { slug } = req.params as { slug: string }
        const row = await service.create(auth.account.id, slug, uploadLength(req), uploadFields(req))
        chosenIds.set(req.raw, row.id)
        await handOver(req, reply)
        // tus refused the creation after all (a header it found invalid): no row without bytes.
        if (reply.raw.statusCode !== 201) await service.remove(row.id)
      },
    )

    scope.route({
      method: ['HEAD', 'PATCH', 'DELETE'],
      url: '/api/v1/channels/:slug/uploads/:id',
      schema: {
        tags,
        summary: 'tus: the offset received so far (HEAD), the next chunk (PATCH), or end the upload (DELETE)',
        params: UploadParams,
      },
      config: { ...itemConfig, bodyDeadline: 'upload' },
      handler: async (req, reply) => {
        const { slug, id } = req.params as { slug: string; id: string }
        const row = await service.require(requireAuth(req).account.id, slug, id)
        // Ending an upload is the service's (bytes and row go together, before the answer).
        if (req.method === 'DELETE') {
          await service.remove(row.id)
          return reply.code(204).header('tus-resumable', TUS_VERSION).send()
        }
        if (row.status === 'receiving') return handOver(req, reply)
        // Every byte is in: the upload store no longer has it, and tus is not asked.
        if (req.method === 'PATCH') fail('upload-finished', 'Every byte of this upload has arrived.')
        return reply.code(200).headers(finishedHeaders(row)).send()
      },
    })
  })

  app.get(
    '/api/v1/channels/:slug/uploads/:id',
    {
      // HEAD is tus's (the offset so far), declared above.
      exposeHeadRoute: false,
      schema: {
        tags,
        summary: 'What a resumable upload became: receiving, processing, done (its media id) or failed',
        params: UploadParams,
        response: { 200: ResumableUploadView },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'upload-chunks' },
    },
    async (req) => {
      const row = await service.require(requireAuth(req).account.id, req.params.slug, req.params.id)
      return {
        id: row.id,
        length: row.length,
        status: row.status,
        mediaId: row.media_id,
        error: row.error,
        expiresAt: new Date(row.expires_at).toISOString(),
      }
    },
  )
}

interface FinishResponse {
  status_code?: number
  headers?: Record<string, string>
  body?: string
}

/** HEAD of an upload whose bytes are all in (tus: offset = length), with the media it became. */
function finishedHeaders(row: ResumableUploadRow): Record<string, string> {
  return {
    'tus-resumable': TUS_VERSION,
    'upload-offset': String(row.length),
    'upload-length': String(row.length),
    'cache-control': 'no-store',
    ...(row.media_id ? { [MEDIA_ID_HEADER.toLowerCase()]: row.media_id } : {}),
  }
}

function requireTus(req: FastifyRequest): void {
  if (req.headers['tus-resumable'] !== TUS_VERSION) {
    fail('bad-request', `Send Tus-Resumable: ${TUS_VERSION} (this server speaks tus ${TUS_VERSION}).`)
  }
}

/** Upload-Length, required: the size limit is checked on it before any byte is accepted. */
function uploadLength(req: FastifyRequest): number {
  const raw = req.headers['upload-length']
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) {
    fail(
      'bad-request',
      req.headers['upload-defer-length']
        ? 'Upload-Defer-Length is not supported: send Upload-Length, the whole file size.'
        : 'Send Upload-Length: the whole file size in bytes.',
    )
  }
  return Number(raw)
}

/** The media fields from Upload-Metadata (base64 values); tus-js-client's filename and filetype are ignored. */
function uploadFields(req: FastifyRequest) {
  const raw = req.headers['upload-metadata']
  let metadata: Record<string, string | null> = {}
  if (typeof raw === 'string' && raw.trim() !== '') {
    try {
      metadata = Metadata.parse(raw)
    } catch {
      fail('bad-request', 'Upload-Metadata is not a list of "key base64value" pairs.')
    }
  }
  const fields: Record<string, string> = {}
  for (const name of ['alt', 'credit', 'rights', 'spoiler', 'spoilerLabel']) {
    const value = metadata[name]
    if (typeof value === 'string') fields[name] = value
  }
  return parseFields(fields)
}

function uploadsPathOf(pathname: string): string {
  const match = /^\/api\/v1\/channels\/[^/]+\/uploads/.exec(pathname)
  return `${match ? match[0] : '/api/v1/uploads'}/`
}

/** The Node request under tus's web Request (srvx keeps it as `runtime.node.req`). */
function nodeRequest(req: unknown): IncomingMessage {
  return (req as { runtime: { node: { req: IncomingMessage } } }).runtime.node.req
}
