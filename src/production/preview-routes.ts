import { Type } from '@sinclair/typebox'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { PostParams } from '../posts/index.js'
import {
  CreatePreviewBody,
  PreviewList,
  PreviewParams,
  type PreviewService,
  PreviewView,
} from './previews.js'

const tags = ['scheduling']
const staff = { auth: 'required' as const, scope: 'post' as const }

/** Press preview links of unpublished posts (issue 6 item 3), for whoever may edit the post. */
export function previewRoutes(app: App, ctx: { previews: PreviewService }): void {
  const base = '/api/v1/channels/:slug/posts/:id/previews'
  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Make a press preview link for an unpublished post (the URL is shown once)',
        params: PostParams,
        body: CreatePreviewBody,
        response: { 201: PreviewView },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await ctx.previews.create(requireAuth(req).account.id, req.params.slug, req.params.id, req.body),
        ),
  )
  app.get(
    base,
    {
      schema: { tags, summary: "A post's preview links", params: PostParams, response: { 200: PreviewList } },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => ({
      items: await ctx.previews.list(requireAuth(req).account.id, req.params.slug, req.params.id),
    }),
  )
  app.delete(
    `${base}/:previewId`,
    {
      schema: {
        tags,
        summary: 'Revoke a preview link',
        params: PreviewParams,
        response: { 204: Type.Null() },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req, reply) => {
      await ctx.previews.revoke(
        requireAuth(req).account.id,
        req.params.slug,
        req.params.id,
        req.params.previewId,
      )
      return reply.code(204).send(null)
    },
  )
}
