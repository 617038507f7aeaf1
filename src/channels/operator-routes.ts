import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { authenticated, ChannelParams } from './schemas.js'

const tags = ['operators']
const OperatorChannelView = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  owner: Type.Union([Type.String(), Type.Null()]),
  members: Type.Integer(),
  visibility: Type.String(),
  state: Type.Union([Type.Literal('active'), Type.Literal('hidden'), Type.Literal('suspended')]),
  suspensionReason: Type.Union([Type.String(), Type.Null()]),
  archived: Type.Boolean(),
  featured: Type.Boolean(),
})
const SuspendBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
)
const operator = { auth: 'required', scope: 'channel:admin' } as const

/** The server operators' channel tools (issue 17): list every channel, suspend, hide; feature (issue 19). */
export function operatorRoutes(app: App, ctx: AppContext): void {
  const actor = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).account.id
  const ops = ctx.channels.operators

  app.get(
    '/api/v1/admin/channels',
    {
      schema: {
        tags,
        summary: 'Every channel with owner, members, visibility and state (server operators)',
        security: authenticated,
        response: { 200: Type.Object({ items: Type.Array(OperatorChannelView) }) },
      },
      config: { ...operator, rateLimit: 'reads' },
    },
    async (req) => ({ items: await ops.list(actor(req)) }),
  )

  for (const on of [true, false]) {
    const method = on ? app.put.bind(app) : app.delete.bind(app)
    method(
      '/api/v1/admin/channels/:slug/suspension',
      {
        schema: {
          tags,
          summary: on
            ? 'Suspend a channel: 404 everywhere, streams end, its staff see the reason (server operators)'
            : 'Lift a suspension (server operators)',
          security: authenticated,
          params: ChannelParams,
          ...(on ? { body: SuspendBody } : {}),
          response: { 200: OperatorChannelView },
        },
        config: { ...operator, rateLimit: 'channel-settings' },
        preValidation: async (req) => {
          if (on) req.body ??= {}
        },
      },
      async (req) =>
        ops.setSuspended(
          req.params.slug,
          actor(req),
          on,
          (req.body as { reason?: string } | undefined)?.reason,
        ),
    )
    method(
      '/api/v1/admin/channels/:slug/hidden',
      {
        schema: {
          tags,
          summary: on
            ? 'Hide a channel from every public listing; its address still works (server operators)'
            : 'List a hidden channel again (server operators)',
          security: authenticated,
          params: ChannelParams,
          response: { 200: OperatorChannelView },
        },
        config: { ...operator, rateLimit: 'channel-settings' },
      },
      async (req) => ops.setHidden(req.params.slug, actor(req), on),
    )
    method(
      '/api/v1/admin/channels/:slug/featured',
      {
        schema: {
          tags,
          summary: on
            ? 'Feature a channel: it lists first in the public directory /c/ (server operators)'
            : 'Stop featuring a channel (server operators)',
          security: authenticated,
          params: ChannelParams,
          response: { 200: OperatorChannelView },
        },
        config: { ...operator, rateLimit: 'channel-settings' },
      },
      async (req) => ops.setFeatured(req.params.slug, actor(req), on),
    )
  }
}
