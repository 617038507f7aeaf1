import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { ExportChannelParams, ExportList, ExportParams, ExportView } from './schemas.js'
import { toExportView } from './views.js'

const tags = ['exports']
const authenticated: Array<Record<string, string[]>> = [{ session: [] }, { token: [] }]

/**
 * Exports (issue 17 point 2; docs/api.md "Exports"): request an archive, follow its progress,
 * download it. Every export belongs to the account that requested it: another account's id answers
 * 404 `export-not-found`, as an unknown one does.
 */
export function exportRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/me/exports',
    {
      schema: {
        tags,
        summary: 'Export everything Backlot holds about you, as a zip made in the background',
        description:
          '202 with the export; follow `progress` with GET until `status` is `ready`, then download `downloadUrl`. 409 `export-running` while another export of yours is queued or running.',
        security: authenticated,
        response: { 202: ExportView },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'exports' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      const job = await ctx.exports.requestPersonal(auth.account.id)
      return reply.code(202).send(toExportView(job, ctx.clock.now()))
    },
  )

  app.post(
    '/api/v1/channels/:slug/exports',
    {
      schema: {
        tags,
        summary: 'Export the whole channel (owner only), in the format `backlot import` reads',
        description:
          '202 with the export, which is then followed and downloaded under /api/v1/me/exports like your own. 403 `not-allowed` for anyone but the owner.',
        security: authenticated,
        params: ExportChannelParams,
        response: { 202: ExportView },
      },
      config: { auth: 'required', scope: 'channel:admin', rateLimit: 'exports' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      const job = await ctx.exports.requestChannel(auth.account.id, req.params.slug)
      return reply.code(202).send(toExportView(job, ctx.clock.now()))
    },
  )

  app.get(
    '/api/v1/me/exports',
    {
      schema: {
        tags,
        summary: 'Your exports (the 20 latest), newest first',
        security: authenticated,
        response: { 200: ExportList },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => {
      const auth = requireAuth(req)
      const now = ctx.clock.now()
      return { items: (await ctx.exports.list(auth.account.id)).map((job) => toExportView(job, now)) }
    },
  )

  app.get(
    '/api/v1/me/exports/:id',
    {
      schema: {
        tags,
        summary: 'One of your exports: status and progress (items done / total)',
        security: authenticated,
        params: ExportParams,
        response: { 200: ExportView },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => {
      const auth = requireAuth(req)
      return toExportView(await ctx.exports.get(auth.account.id, req.params.id), ctx.clock.now())
    },
  )

  app.get(
    '/api/v1/me/exports/:id/archive',
    {
      schema: {
        tags,
        summary: 'Download a ready export (application/zip)',
        description: '404 `export-not-found` when it is not yours, not ready yet, or expired.',
        security: authenticated,
        params: ExportParams,
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      const archive = await ctx.exports.open(auth.account.id, req.params.id)
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${archive.downloadName}"`)
        .header('content-length', String(archive.size))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(archive.body)
    },
  )
}
