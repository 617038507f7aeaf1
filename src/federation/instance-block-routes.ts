import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { MAX_BLOCK_REASON } from './infra/blocks.js'

const tags = ['operators']
const authenticated: Array<Record<string, string[]>> = [{ session: [] }, { token: [] }]
const BlockView = Type.Object({
  domain: Type.String(),
  reason: Type.String(),
  blockedAt: Type.Integer({ description: 'Epoch milliseconds' }),
  blockedBy: Type.Union([Type.String(), Type.Null()], { description: "The operator's handle" }),
})
const DomainParams = Type.Object({ domain: Type.String({ minLength: 1, maxLength: 253 }) })
const BlockBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: MAX_BLOCK_REASON })) },
  { additionalProperties: false },
)
const operator = { auth: 'required', scope: 'channel:admin' } as const

/**
 * The server operators' instance block list (issue 18 part 3), the API twin of
 * `backlot federation block|unblock|blocks`. Each change is logged with the operator.
 */
export function instanceBlockRoutes(app: App, ctx: AppContext): void {
  const actor = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).account.id

  app.get(
    '/api/v1/admin/federation/blocks',
    {
      schema: {
        tags,
        summary: 'Blocked instances, the most recent first (server operators)',
        security: authenticated,
        response: { 200: Type.Object({ items: Type.Array(BlockView) }) },
      },
      config: { ...operator, rateLimit: 'reads' },
    },
    async (req) => ({ items: await ctx.instanceBlocks.list(actor(req)) }),
  )
  app.put(
    '/api/v1/admin/federation/blocks/:domain',
    {
      schema: {
        tags,
        summary:
          'Block an instance and its subdomains: refused at the inbox, never fetched or delivered to, its followers removed (server operators)',
        security: authenticated,
        params: DomainParams,
        body: BlockBody,
        response: { 200: BlockView },
      },
      config: { ...operator, rateLimit: 'channel-settings' },
      preValidation: async (req) => {
        req.body ??= {}
      },
    },
    async (req) =>
      ctx.instanceBlocks.block(req.params.domain, {
        reason: (req.body as { reason?: string } | undefined)?.reason,
        actorId: actor(req),
      }),
  )
  app.delete(
    '/api/v1/admin/federation/blocks/:domain',
    {
      schema: {
        tags,
        summary: 'Lift an instance block (server operators)',
        security: authenticated,
        params: DomainParams,
        response: { 204: Type.Null() },
      },
      config: { ...operator, rateLimit: 'channel-settings' },
    },
    async (req, reply) => {
      await ctx.instanceBlocks.unblock(req.params.domain, { actorId: actor(req) })
      return reply.code(204).send(null)
    },
  )
}
