import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import type { PendingDeletion } from './service.js'

const tags = ['accounts']
const authenticated: Array<Record<string, string[]>> = [{ session: [] }, { token: [] }]
const Time = Type.String({ format: 'date-time' })

const PendingDeletionView = Type.Object({
  requestedAt: Time,
  dueAt: Type.String({ format: 'date-time', description: 'When the account is erased, unless cancelled' }),
})
const DeletionView = Type.Object({
  pending: Type.Union([PendingDeletionView, Type.Null()]),
  graceDays: Type.Integer({ description: 'Days between a request and the erasure on this server' }),
})
const RequestDeletionBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024, description: 'Your current password, again' }) },
  { additionalProperties: false },
)

function toDeletionView(ctx: AppContext, pending: PendingDeletion | null) {
  return {
    pending: pending && {
      requestedAt: new Date(pending.requestedAt).toISOString(),
      dueAt: new Date(pending.dueAt).toISOString(),
    },
    graceDays: Math.round(ctx.config.accountDeletionGraceMs / 86_400_000),
  }
}

/**
 * Deleting one's own account (issue 17 point 3): ask with the password, see the date, cancel.
 * Logging in cancels too (the login response says `deletionCancelled`). What is erased and what
 * stays: docs/security.md "Account deletion".
 */
export function erasureRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/me/deletion',
    {
      schema: {
        tags,
        summary: 'Your pending account deletion, if any, and the grace period',
        security: authenticated,
        response: { 200: DeletionView },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => toDeletionView(ctx, await ctx.erasure.pending(requireAuth(req).account.id)),
  )

  app.post(
    '/api/v1/me/deletion',
    {
      schema: {
        tags,
        summary: 'Delete your account after the grace period (password required)',
        description:
          'Refused with `owns-channels` (listing them in `channels`) while you own a channel: transfer ownership or delete it first. Logging in or DELETE cancels before the date.',
        security: authenticated,
        body: RequestDeletionBody,
        response: { 202: DeletionView },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'account' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      const pending = await ctx.erasure.request(auth.account.id, req.body.password, req.ip)
      return reply.code(202).send(toDeletionView(ctx, pending))
    },
  )

  app.delete(
    '/api/v1/me/deletion',
    {
      schema: {
        tags,
        summary: 'Cancel your pending account deletion',
        security: authenticated,
        response: { 200: DeletionView },
      },
      // Apart from the other account limits, like a logout: nothing may stop a person keeping their account.
      config: { auth: 'required', scope: 'post', rateLimit: 'sign-outs' },
    },
    async (req) => {
      const auth = requireAuth(req)
      await ctx.erasure.cancel(auth.account.id)
      return toDeletionView(ctx, null)
    },
  )
}
