import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { negotiateLanguage } from '../i18n/index.js'
import {
  SubscribeBody,
  SubscriptionList,
  SubscriptionParams,
  SubscriptionView,
  VapidKeyView,
} from './schemas.js'
import { toSubscriptionView } from './views.js'

const tags = ['push']
const authenticated: Array<Record<string, string[]>> = [{ session: [] }, { token: [] }]
const NoContent = Type.Null({ description: 'Done; no body.' })

/** Web Push: the server's VAPID key and the caller's own devices. */
export function pushRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/push/vapid-public-key',
    {
      schema: {
        tags,
        summary: 'The VAPID public key browsers subscribe with',
        security: [],
        response: { 200: VapidKeyView },
      },
      config: { auth: 'none', rateLimit: 'reads' },
    },
    async (_req, reply) => {
      // The key changes only when an operator replaces it: let browsers cache it briefly.
      reply.header('cache-control', 'public, max-age=3600')
      return { publicKey: ctx.push.vapidPublicKey }
    },
  )

  app.post(
    '/api/v1/push/subscriptions',
    {
      schema: {
        tags,
        summary: 'Register this browser for push notifications (idempotent per endpoint)',
        description:
          'Send `PushSubscription.toJSON()`. 201 for a new device, 200 when the endpoint was already registered to you (keys and label updated). The endpoint must be https on a public host.',
        security: authenticated,
        body: SubscribeBody,
        response: { 200: SubscriptionView, 201: SubscriptionView },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'push-subscriptions' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      // The browser's own language, not the account's setting: that one is read at each send.
      const language = negotiateLanguage(req.headers['accept-language'])
      const { subscription, created } = await ctx.push.subscribe(auth.account.id, { ...req.body, language })
      return reply.code(created ? 201 : 200).send(toSubscriptionView(subscription))
    },
  )

  app.get(
    '/api/v1/push/subscriptions',
    {
      schema: {
        tags,
        summary: 'Your devices registered for push notifications',
        security: authenticated,
        response: { 200: SubscriptionList },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => {
      const auth = requireAuth(req)
      return { items: (await ctx.push.list(auth.account.id)).map(toSubscriptionView) }
    },
  )

  app.delete(
    '/api/v1/push/subscriptions/:id',
    {
      schema: {
        tags,
        summary: 'Stop push notifications to one of your devices',
        security: authenticated,
        params: SubscriptionParams,
        response: { 204: NoContent },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'push-subscriptions' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      await ctx.push.remove(auth.account.id, req.params.id)
      return reply.code(204).send(null)
    },
  )
}
