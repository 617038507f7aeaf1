import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { memberRoutes } from './member-routes.js'
import { operatorRoutes } from './operator-routes.js'
import {
  authenticated,
  ChannelListQuery,
  ChannelPage,
  ChannelParams,
  ChannelView,
  CreateChannelBody,
  NoContent,
  tags,
  UpdateChannelBody,
} from './schemas.js'
import { staffRoutes } from './staff-routes.js'

/** Channels: create, list, read, settings, archive, delete; then membership and staff routes. */
export function channelRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/channels',
    {
      schema: {
        tags,
        summary: 'Create a channel; the caller becomes its owner',
        security: authenticated,
        body: CreateChannelBody,
        response: { 201: ChannelView },
      },
      config: { auth: 'required', scope: 'channel:admin', rateLimit: 'channel-create' },
    },
    async (req, reply) => {
      const view = await ctx.channels.create(requireAuth(req).account.id, req.body)
      return reply.code(201).send(view)
    },
  )

  app.get(
    '/api/v1/channels',
    {
      schema: {
        tags,
        summary:
          'List public channels (newest first), with q those matching it (best first), or with member=me the channels you belong to',
        querystring: ChannelListQuery,
        response: { 200: ChannelPage },
      },
      // A route has fixed buckets: every listing counts as a search too (the app lists rarely).
      config: { auth: 'optional', scope: 'read', rateLimit: ['reads', 'searches'] },
    },
    async (req) => ctx.channels.list(req.auth?.account.id ?? null, req.query),
  )

  app.get(
    '/api/v1/channels/:slug',
    {
      schema: {
        tags,
        summary: 'Read a channel with your role and membership in it',
        params: ChannelParams,
        response: { 200: ChannelView },
      },
      config: { auth: 'optional', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => ctx.channels.get(req.params.slug, req.auth?.account.id ?? null),
  )

  app.patch(
    '/api/v1/channels/:slug',
    {
      schema: {
        tags,
        summary: 'Change channel settings (admin or owner)',
        security: authenticated,
        params: ChannelParams,
        body: UpdateChannelBody,
        response: { 200: ChannelView },
      },
      config: { auth: 'required', scope: 'channel:admin', rateLimit: 'channel-settings' },
    },
    async (req) => ctx.channels.update(req.params.slug, requireAuth(req).account.id, req.body),
  )

  app.delete(
    '/api/v1/channels/:slug',
    {
      schema: {
        tags,
        summary: 'Delete the channel and everything in it (owner only)',
        security: authenticated,
        params: ChannelParams,
        response: { 204: NoContent },
      },
      config: { auth: 'required', scope: 'channel:admin', rateLimit: 'channel-settings' },
    },
    async (req, reply) => {
      await ctx.channels.remove(req.params.slug, requireAuth(req).account.id)
      return reply.code(204).send(null)
    },
  )

  for (const archived of [true, false]) {
    const method = archived ? app.put.bind(app) : app.delete.bind(app)
    method(
      '/api/v1/channels/:slug/archive',
      {
        schema: {
          tags,
          summary: archived
            ? 'Archive the channel: read-only, no posts or joins (admin or owner)'
            : 'Unarchive the channel (admin or owner)',
          security: authenticated,
          params: ChannelParams,
          response: { 200: ChannelView },
        },
        config: { auth: 'required', scope: 'channel:admin', rateLimit: 'channel-settings' },
      },
      async (req) => ctx.channels.setArchived(req.params.slug, requireAuth(req).account.id, archived),
    )
  }

  memberRoutes(app, ctx)
  staffRoutes(app, ctx)
  operatorRoutes(app, ctx)
}
