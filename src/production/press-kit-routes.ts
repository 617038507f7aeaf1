import { Type } from '@sinclair/typebox'
import { PageQuery } from '../channels/index.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { PostParams } from '../posts/index.js'
import { CreatePressKitBody, PressKitList, PressKitParams, PressKitView } from './press-kit-schemas.js'
import type { PressKitService } from './press-kits.js'

const tags = ['press']
const staff = { auth: 'required' as const, scope: 'post' as const }

/** Press kit links of a post or album (issue 19 part 3), for its owner and admins. */
export function pressKitRoutes(app: App, ctx: { pressKits: PressKitService }): void {
  const base = '/api/v1/channels/:slug/posts/:id/press-kits'
  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Issue a press kit link to one recipient (the URL is shown once)',
        params: PostParams,
        body: CreatePressKitBody,
        response: { 201: PressKitView },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await ctx.pressKits.create(requireAuth(req).account.id, req.params.slug, req.params.id, req.body),
        ),
  )
  app.get(
    base,
    {
      schema: {
        tags,
        summary: "A post's press kit links with their opens and downloads",
        params: PostParams,
        querystring: PageQuery,
        response: { 200: PressKitList },
      },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => ctx.pressKits.list(requireAuth(req).account.id, req.params.slug, req.params.id, req.query),
  )
  app.delete(
    `${base}/:kitId`,
    {
      schema: {
        tags,
        summary: 'Revoke a press kit link',
        params: PressKitParams,
        response: { 204: Type.Null() },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req, reply) => {
      await ctx.pressKits.revoke(
        requireAuth(req).account.id,
        req.params.slug,
        req.params.id,
        req.params.kitId,
      )
      return reply.code(204).send(null)
    },
  )
}
