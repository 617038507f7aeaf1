import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { ChangePasswordBody, SessionList, SessionParams } from './schemas.js'
import { toSessionView } from './views.js'

const tags = ['accounts']
const authenticated: Array<Record<string, string[]>> = [{ session: [] }, { token: [] }]
const NoContent = Type.Null({ description: 'Done; no body.' })

/**
 * A person's own sessions (issue 17 point 1): see where they are logged in, end any one or all the
 * others, change the password (which ends all the others). Ending a session ends its live streams
 * at once, on every node, as logging out does.
 */
export function sessionRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/sessions',
    {
      schema: {
        tags,
        summary: 'Your active sessions, most recently used first',
        security: authenticated,
        response: { 200: SessionList },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => {
      const auth = requireAuth(req)
      const rows = await ctx.accounts.listSessions(auth.account.id)
      return { items: rows.map((row) => toSessionView(row, auth.sessionId)) }
    },
  )

  app.delete(
    '/api/v1/sessions/others',
    {
      schema: {
        tags,
        summary: 'End every session but this one (every session, when called with an API token)',
        security: authenticated,
        response: { 200: Type.Object({ ended: Type.Integer() }) },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'sign-outs' },
    },
    async (req) => {
      const auth = requireAuth(req)
      return { ended: await ctx.accounts.endSessions(auth.account.id, { allBut: auth.sessionId ?? null }) }
    },
  )

  app.delete(
    '/api/v1/sessions/:id',
    {
      schema: {
        tags,
        summary: 'End one of your sessions (its cookie and live streams stop at once)',
        security: authenticated,
        params: SessionParams,
        response: { 204: NoContent },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'sign-outs' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      await ctx.accounts.endSessions(auth.account.id, { publicId: req.params.id })
      return reply.code(204).send(null)
    },
  )

  app.put(
    '/api/v1/me/password',
    {
      schema: {
        tags,
        summary: 'Change your password; every other session ends',
        security: authenticated,
        body: ChangePasswordBody,
        response: { 204: NoContent },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'account' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      await ctx.accounts.changePassword(auth.account.id, {
        ...req.body,
        keepSession: auth.sessionId ?? null,
        address: req.ip,
      })
      return reply.code(204).send(null)
    },
  )
}
