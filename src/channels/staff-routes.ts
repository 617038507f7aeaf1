import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import {
  AuditPage,
  authenticated,
  BanBody,
  BanPage,
  BanView,
  ChannelParams,
  CreatedInviteView,
  CreateInviteBody,
  HandleParams,
  InvitePage,
  InviteParams,
  JoinRequestPage,
  JoinRequestView,
  MemberView,
  NoContent,
  PageQuery,
  RoleBody,
  tags,
} from './schemas.js'
import { inviteUrl } from './views.js'

const staff = { auth: 'required', scope: 'channel:admin' } as const

/** Roles, invites, join requests, bans and the audit log: the channel staff's tools. */
export function staffRoutes(app: App, ctx: AppContext): void {
  const actor = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).account.id

  app.put(
    '/api/v1/channels/:slug/roles/:handle',
    {
      schema: {
        tags,
        summary: 'Grant a role; granting owner transfers ownership (the old owner becomes admin)',
        description:
          'Owner: any role. Admins: creator and moderator, on members below them. Nobody changes ' +
          'their own role. A non-member granted a staff role is added as a member.',
        security: authenticated,
        params: HandleParams,
        body: RoleBody,
        response: { 200: MemberView },
      },
      config: { ...staff, rateLimit: 'channel-settings' },
    },
    async (req) => ctx.channels.roles.grant(req.params.slug, actor(req), req.params.handle, req.body.role),
  )

  app.delete(
    '/api/v1/channels/:slug/roles/:handle',
    {
      schema: {
        tags,
        summary: 'Remove a role (back to fan)',
        security: authenticated,
        params: HandleParams,
        response: { 200: MemberView },
      },
      config: { ...staff, rateLimit: 'channel-settings' },
    },
    async (req) => ctx.channels.roles.remove(req.params.slug, actor(req), req.params.handle),
  )

  app.post(
    '/api/v1/channels/:slug/invites',
    {
      schema: {
        tags,
        summary: 'Create an invite link (admin or owner); the token is shown only here',
        security: authenticated,
        params: ChannelParams,
        body: CreateInviteBody,
        response: { 201: CreatedInviteView },
      },
      config: { ...staff, rateLimit: 'invites' },
      preValidation: async (req) => {
        req.body ??= {}
      },
    },
    async (req, reply) => {
      const created = await ctx.channels.invites.create(req.params.slug, actor(req), req.body)
      const url = inviteUrl(ctx.config.publicUrl, created.channelSlug, created.token)
      return reply.code(201).send({ ...created.invite, token: created.token, url })
    },
  )

  app.get(
    '/api/v1/channels/:slug/invites',
    {
      schema: {
        tags,
        summary: 'List invite links without their tokens (admin or owner)',
        security: authenticated,
        params: ChannelParams,
        querystring: PageQuery,
        response: { 200: InvitePage },
      },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => ctx.channels.invites.list(req.params.slug, actor(req), req.query),
  )

  app.delete(
    '/api/v1/channels/:slug/invites/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an invite link (admin or owner)',
        security: authenticated,
        params: InviteParams,
        response: { 204: NoContent },
      },
      config: { ...staff, rateLimit: 'channel-settings' },
    },
    async (req, reply) => {
      await ctx.channels.invites.revoke(req.params.slug, actor(req), req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/channels/:slug/join-requests',
    {
      schema: {
        tags,
        summary: 'List pending join requests, oldest first (admin or owner)',
        security: authenticated,
        params: ChannelParams,
        querystring: PageQuery,
        response: { 200: JoinRequestPage },
      },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => ctx.channels.requests.list(req.params.slug, actor(req), req.query),
  )

  for (const [verb, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    app.post(
      `/api/v1/channels/:slug/join-requests/:handle/${verb}`,
      {
        schema: {
          tags,
          summary: `${verb === 'approve' ? 'Approve (adds the member)' : 'Reject'} a join request (admin or owner)`,
          security: authenticated,
          params: HandleParams,
          response: { 200: JoinRequestView },
        },
        config: { ...staff, rateLimit: 'moderation' },
      },
      async (req) => ctx.channels.requests.decide(req.params.slug, actor(req), req.params.handle, decision),
    )
  }

  app.put(
    '/api/v1/channels/:slug/bans/:handle',
    {
      schema: {
        tags,
        summary: 'Ban an account ranked below you; removes its membership (moderator, admin or owner)',
        security: authenticated,
        params: HandleParams,
        body: BanBody,
        response: { 200: BanView },
      },
      config: { ...staff, rateLimit: 'moderation' },
      preValidation: async (req) => {
        req.body ??= {}
      },
    },
    async (req) => ctx.channels.bans.ban(req.params.slug, actor(req), req.params.handle, req.body.reason),
  )

  app.delete(
    '/api/v1/channels/:slug/bans/:handle',
    {
      schema: {
        tags,
        summary: 'Lift a ban (moderator, admin or owner)',
        security: authenticated,
        params: HandleParams,
        response: { 204: NoContent },
      },
      config: { ...staff, rateLimit: 'moderation' },
    },
    async (req, reply) => {
      await ctx.channels.bans.unban(req.params.slug, actor(req), req.params.handle)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/channels/:slug/bans',
    {
      schema: {
        tags,
        summary: 'List bans, newest first (moderator, admin or owner)',
        security: authenticated,
        params: ChannelParams,
        querystring: PageQuery,
        response: { 200: BanPage },
      },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => ctx.channels.bans.list(req.params.slug, actor(req), req.query),
  )

  app.get(
    '/api/v1/channels/:slug/audit-log',
    {
      schema: {
        tags,
        summary: 'Read the audit log of staff actions, newest first (admin or owner)',
        security: authenticated,
        params: ChannelParams,
        querystring: PageQuery,
        response: { 200: AuditPage },
      },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => ctx.channels.auditLog(req.params.slug, actor(req), req.query),
  )
}
