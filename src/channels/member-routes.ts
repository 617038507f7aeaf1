import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import {
  authenticated,
  ChannelParams,
  HandleParams,
  JoinBody,
  JoinResult,
  MemberPage,
  MemberSettingsBody,
  MembershipView,
  NoContent,
  PageQuery,
  tags,
} from './schemas.js'

/** Join, leave, personal settings, and the member list and removal for staff. */
export function memberRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/channels/:slug/members',
    {
      schema: {
        tags,
        summary: 'Join the channel (with an invite token where needed) or ask to join',
        description:
          '201 when joined; 202 when a join request was filed for a request-policy channel. ' +
          'Private channels are joinable only with a valid invite; without one they are 404.',
        security: authenticated,
        params: ChannelParams,
        body: JoinBody,
        response: { 201: JoinResult, 202: JoinResult },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'membership' },
      // The body is optional: a bare POST joins an open channel.
      preValidation: async (req) => {
        req.body ??= {}
      },
    },
    async (req, reply) => {
      const result = await ctx.channels.members.join(req.params.slug, requireAuth(req).account.id, req.body)
      return reply.code(result.status === 'joined' ? 201 : 202).send(result)
    },
  )

  app.delete(
    '/api/v1/channels/:slug/members/me',
    {
      schema: {
        tags,
        summary: 'Leave the channel (the owner must transfer ownership first)',
        security: authenticated,
        params: ChannelParams,
        response: { 204: NoContent },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'membership' },
    },
    async (req, reply) => {
      await ctx.channels.members.leave(req.params.slug, requireAuth(req).account.id)
      return reply.code(204).send(null)
    },
  )

  app.patch(
    '/api/v1/channels/:slug/members/me',
    {
      schema: {
        tags,
        summary: 'Mute the channel or set your notification level',
        security: authenticated,
        params: ChannelParams,
        body: MemberSettingsBody,
        response: { 200: MembershipView },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'membership' },
    },
    async (req) =>
      ctx.channels.members.updateSettings(req.params.slug, requireAuth(req).account.id, req.body),
  )

  app.get(
    '/api/v1/channels/:slug/members',
    {
      schema: {
        tags,
        summary: 'List members in join order (moderator, admin or owner)',
        security: authenticated,
        params: ChannelParams,
        querystring: PageQuery,
        response: { 200: MemberPage },
      },
      config: { auth: 'required', scope: 'channel:admin', rateLimit: 'reads' },
    },
    async (req) => ctx.channels.members.list(req.params.slug, requireAuth(req).account.id, req.query),
  )

  app.delete(
    '/api/v1/channels/:slug/members/:handle',
    {
      schema: {
        tags,
        summary: 'Remove a member ranked below you (moderator, admin or owner)',
        security: authenticated,
        params: HandleParams,
        response: { 204: NoContent },
      },
      config: { auth: 'required', scope: 'channel:admin', rateLimit: 'moderation' },
    },
    async (req, reply) => {
      const { slug, handle } = req.params
      await ctx.channels.members.remove(slug, requireAuth(req).account.id, handle)
      return reply.code(204).send(null)
    },
  )
}
