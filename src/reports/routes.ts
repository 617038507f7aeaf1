import { type TObject, Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import {
  CasePage,
  CaseQuery,
  CaseView,
  CreateReportBody,
  NoticePage,
  ReportReceipt,
  ResolveBody,
  tags,
} from './schemas.js'

const authenticated: Array<Record<string, string[]>> = [{ session: [] }, { token: [] }]
const Slug = Type.String({ minLength: 1, maxLength: 100 })
const CaseId = Type.String({ minLength: 1, maxLength: 64 })
const NoticeQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
)
/** A reason and 500 characters of comment, even fully \u-escaped, fit in 8 KB. */
const SMALL_BODY = 8 * 1024

/** Reports, the channel staff's queue, the operators' queue and the reporter's notices (issue 17). */
export function reportRoutes(app: App, ctx: AppContext): void {
  const actor = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).account.id

  app.post(
    '/api/v1/channels/:slug/reports',
    {
      schema: {
        tags,
        summary: 'Report a post, an image of a post, a highlighted answer or the channel',
        description:
          'Any signed-in person who can see the item. Reports of one item are grouped in one open case; ' +
          'reporting the same item again updates your report. Reports of a channel go to the server operators.',
        security: authenticated,
        params: Type.Object({ slug: Slug }),
        body: CreateReportBody,
        response: { 201: ReportReceipt },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reports' },
      bodyLimit: SMALL_BODY,
    },
    async (req, reply) =>
      reply.code(201).send(await ctx.reports.create(actor(req), req.params.slug, req.body)),
  )

  app.get(
    '/api/v1/channels/:slug/reports',
    queueRoute({
      summary: "The channel's report cases, most recently reported first (moderator, admin or owner)",
      params: Type.Object({ slug: Slug }),
    }),
    async (req) => ctx.reports.queue(req.params.slug, actor(req), req.query),
  )

  app.post(
    '/api/v1/channels/:slug/reports/:id/resolve',
    resolveRoute({
      summary:
        "Resolve a case: dismiss, delete the item, or ban an answer's author (moderator, admin or owner)",
      description:
        'Deleting a post needs post.delete-any and an image post.edit-any (admins, owner); hiding an answer and ' +
        'banning its author are open to moderators. Audited; every reporter gets a notice.',
      params: Type.Object({ slug: Slug, id: CaseId }),
    }),
    async (req) => ctx.reports.resolve(req.params.slug, actor(req), req.params.id, req.body),
  )

  app.get(
    '/api/v1/admin/reports',
    queueRoute({
      summary: 'Reported channels, most recently reported first (server operators)',
      params: undefined,
    }),
    async (req) => ctx.reports.operatorQueue(actor(req), req.query),
  )

  app.post(
    '/api/v1/admin/reports/:id/resolve',
    resolveRoute({
      summary: 'Resolve a channel report: dismiss, hide the channel or suspend it (server operators)',
      params: Type.Object({ id: CaseId }),
    }),
    async (req) => ctx.reports.operatorResolve(actor(req), req.params.id, req.body),
  )

  app.get(
    '/api/v1/me/notices',
    {
      schema: {
        tags,
        summary: 'Your notices (the outcome of your reports), newest first, with the unread count',
        security: authenticated,
        querystring: NoticeQuery,
        response: { 200: NoticePage },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => ctx.reports.notices(actor(req), req.query),
  )

  app.post(
    '/api/v1/me/notices/read',
    {
      schema: {
        tags,
        summary: 'Mark all your notices read',
        security: authenticated,
        response: { 204: Type.Null({ description: 'Done.' }) },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'account' },
    },
    async (req, reply) => {
      await ctx.reports.markNoticesRead(actor(req))
      return reply.code(204).send(null)
    },
  )
}

interface RouteDocs<P extends TObject | undefined> {
  summary: string
  description?: string
  /** The path's parameters; the operators' queue has none. */
  params: P
}

/**
 * The staff's and the operators' case routes are the same shapes and differ only in the service
 * call: a queue (a case page filtered by CaseQuery) and a resolution (a ResolveBody in, the case out).
 */
function caseSchema<P extends TObject | undefined>({ summary, description, params }: RouteDocs<P>) {
  const schema = { tags, summary, ...(description ? { description } : {}), security: authenticated }
  // No `params` key at all without params (Fastify warns about one that is undefined); the cast
  // keeps the type provider's inference of `req.params` from P.
  return (params ? { ...schema, params } : schema) as typeof schema & { params: P }
}

function queueRoute<P extends TObject | undefined>(docs: RouteDocs<P>) {
  return {
    schema: { ...caseSchema(docs), querystring: CaseQuery, response: { 200: CasePage } },
    config: { auth: 'required', scope: 'channel:admin', rateLimit: 'reads' },
  } as const
}

function resolveRoute<P extends TObject | undefined>(docs: RouteDocs<P>) {
  return {
    schema: { ...caseSchema(docs), body: ResolveBody, response: { 200: CaseView } },
    config: { auth: 'required', scope: 'channel:admin', rateLimit: 'moderation' },
    bodyLimit: SMALL_BODY,
  } as const
}
