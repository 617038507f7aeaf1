import { Type } from '@sinclair/typebox'
import { type ChannelAccess, ProductionBody } from '../channels/index.js'
import type { ChannelRow } from '../db/schema.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { PostView } from '../http/post-schemas.js'
import { ChannelParams, PostParams } from '../posts/index.js'
import {
  CreateDigestBody,
  DigestList,
  DigestParams,
  DigestView,
  EditDigestBody,
  PostDigestBody,
} from './digest-schemas.js'
import type { DigestService } from './digests.js'
import { ProductionResponse, ProductionTagsBody, TimelineView } from './schemas.js'
import type { ProductionService } from './service.js'
import type { Timeline } from './timeline.js'
import { toTimelineView } from './timeline-view.js'

const tags = ['production']

/** What the production routes call: services built by the composition root (context.ts). */
export interface ProductionRouteDeps {
  production: ProductionService
  digests: DigestService
  timeline: (channel: ChannelRow) => Promise<Timeline>
  /** The channel as the viewer may read it: the rule every read of a channel shares. */
  pages: { channelFor(slug: string, viewerId: string | null): Promise<ChannelAccess> }
}

/** Production facts, post tags, the timeline and digests under /api/v1/channels/{slug}/…. */
export function productionRoutes(app: App, ctx: ProductionRouteDeps): void {
  const base = '/api/v1/channels/:slug'
  const read = { auth: 'optional' as const, scope: 'read' as const }
  const admin = { auth: 'required' as const, scope: 'channel:admin' as const }
  const post = { auth: 'required' as const, scope: 'post' as const }

  app.get(
    `${base}/production`,
    {
      schema: {
        tags,
        summary: "The channel's production facts",
        params: ChannelParams,
        response: { 200: ProductionResponse },
      },
      config: { ...read, rateLimit: 'reads' },
    },
    async (req) => ({ production: await ctx.production.get(req.auth?.account.id ?? null, req.params.slug) }),
  )
  app.put(
    `${base}/production`,
    {
      schema: {
        tags,
        summary: 'Describe the production (kind, title, season, chapters, filming start)',
        params: ChannelParams,
        body: ProductionBody,
        response: { 200: ProductionResponse },
      },
      config: { ...admin, rateLimit: 'channel-settings' },
    },
    async (req) => ({
      production: await ctx.production.set(requireAuth(req).account.id, req.params.slug, req.body),
    }),
  )
  app.delete(
    `${base}/production`,
    {
      schema: {
        tags,
        summary: 'Remove the production facts',
        params: ChannelParams,
        response: { 200: ProductionResponse },
      },
      config: { ...admin, rateLimit: 'channel-settings' },
    },
    async (req) => ({
      production: await ctx.production.set(requireAuth(req).account.id, req.params.slug, null),
    }),
  )

  app.put(
    `${base}/posts/:id/production`,
    {
      schema: {
        tags,
        summary: "Set a post's production tags (weeks, chapters, location, unit)",
        params: PostParams,
        body: ProductionTagsBody,
        response: { 200: PostView },
      },
      config: { ...post, rateLimit: 'post-changes' },
    },
    async (req) =>
      ctx.production.setTags(requireAuth(req).account.id, req.params.slug, req.params.id, req.body),
  )
  app.delete(
    `${base}/posts/:id/production`,
    {
      schema: {
        tags,
        summary: "Remove a post's production tags",
        params: PostParams,
        response: { 200: PostView },
      },
      config: { ...post, rateLimit: 'post-changes' },
    },
    async (req) => ctx.production.setTags(requireAuth(req).account.id, req.params.slug, req.params.id, null),
  )

  app.get(
    `${base}/timeline`,
    {
      schema: {
        tags,
        summary: 'Published posts grouped by filming week, with chapters and covers',
        params: ChannelParams,
        response: { 200: TimelineView },
      },
      config: { ...read, rateLimit: 'reads' },
    },
    async (req) => {
      const { channel } = await ctx.pages.channelFor(req.params.slug, req.auth?.account.id ?? null)
      return toTimelineView(channel.slug, await ctx.timeline(channel))
    },
  )

  digestRoutes(app, ctx, { read, post })
}

function digestRoutes(
  app: App,
  ctx: ProductionRouteDeps,
  config: { read: { auth: 'optional'; scope: 'read' }; post: { auth: 'required'; scope: 'post' } },
) {
  const base = '/api/v1/channels/:slug/digests'
  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a digest of a week or date range (default: its most reacted posts)',
        params: ChannelParams,
        body: CreateDigestBody,
        response: { 201: DigestView },
      },
      config: { ...config.post, rateLimit: 'post-changes' },
    },
    async (req, reply) =>
      reply.code(201).send(await ctx.digests.create(requireAuth(req).account.id, req.params.slug, req.body)),
  )
  app.get(
    base,
    {
      schema: {
        tags,
        summary: "A channel's digests, newest first",
        params: ChannelParams,
        response: { 200: DigestList },
      },
      config: { ...config.read, rateLimit: 'reads' },
    },
    async (req) => ({ items: await ctx.digests.list(req.auth?.account.id ?? null, req.params.slug) }),
  )
  app.get(
    `${base}/:digestId`,
    {
      schema: { tags, summary: 'One digest', params: DigestParams, response: { 200: DigestView } },
      config: { ...config.read, rateLimit: 'reads' },
    },
    async (req) => ctx.digests.get(req.auth?.account.id ?? null, req.params.slug, req.params.digestId),
  )
  app.patch(
    `${base}/:digestId`,
    {
      schema: {
        tags,
        summary: 'Edit a digest (title, intro, chosen posts)',
        params: DigestParams,
        body: EditDigestBody,
        response: { 200: DigestView },
      },
      config: { ...config.post, rateLimit: 'post-changes' },
    },
    async (req) =>
      ctx.digests.edit(requireAuth(req).account.id, req.params.slug, req.params.digestId, req.body),
  )
  app.delete(
    `${base}/:digestId`,
    {
      schema: { tags, summary: 'Delete a digest', params: DigestParams, response: { 204: Type.Null() } },
      config: { ...config.post, rateLimit: 'post-changes' },
    },
    async (req, reply) => {
      await ctx.digests.remove(requireAuth(req).account.id, req.params.slug, req.params.digestId)
      return reply.code(204).send(null)
    },
  )
  app.post(
    `${base}/:digestId/post`,
    {
      schema: {
        tags,
        summary: 'Post the digest to the channel (a text post linking to its page)',
        params: DigestParams,
        body: PostDigestBody,
        response: { 201: PostView },
      },
      config: { ...config.post, rateLimit: 'posts' },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await ctx.digests.postToChannel(
            requireAuth(req).account.id,
            req.params.slug,
            req.params.digestId,
            req.body,
          ),
        ),
  )
}
