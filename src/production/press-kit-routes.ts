import { Type } from '@sinclair/typebox'
import { PageQuery } from '../channels/index.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { PostParams } from '../posts/index.js'
import { DigestParams } from './digest-schemas.js'
import {
  CreatePressKitBody,
  DigestPressKitParams,
  PressKitList,
  PressKitParams,
  PressKitView,
} from './press-kit-schemas.js'
import type { KitSubject } from './press-kit-subject.js'
import type { PressKitService } from './press-kits.js'

const tags = ['press']
const staff = { auth: 'required' as const, scope: 'post' as const }

/**
 * Press kit links of a post or album, and of a digest (issue 19 part 3), for the channel's owner
 * and admins: the same three routes under `…/posts/{id}/press-kits` and `…/digests/{id}/press-kits`.
 */
export function pressKitRoutes(app: App, ctx: { pressKits: PressKitService }): void {
  subjectRoutes(app, ctx, {
    base: '/api/v1/channels/:slug/posts/:id/press-kits',
    what: 'a post',
    params: PostParams,
    kitParams: PressKitParams,
    subject: (p) => ({ kind: 'post', id: (p as { id: string }).id }),
  })
  subjectRoutes(app, ctx, {
    base: '/api/v1/channels/:slug/digests/:digestId/press-kits',
    what: 'a digest',
    params: DigestParams,
    kitParams: DigestPressKitParams,
    subject: (p) => ({ kind: 'digest', id: (p as { digestId: string }).digestId }),
  })
}

interface SubjectRoutes {
  base: string
  what: string
  params: typeof PostParams | typeof DigestParams
  kitParams: typeof PressKitParams | typeof DigestPressKitParams
  /** The subject named by the path (its schema checked it). */
  subject: (params: unknown) => KitSubject
}

function subjectRoutes(app: App, ctx: { pressKits: PressKitService }, r: SubjectRoutes): void {
  app.post(
    r.base,
    {
      schema: {
        tags,
        summary: `Issue a press kit link of ${r.what} to one recipient (the URL is shown once)`,
        params: r.params,
        body: CreatePressKitBody,
        response: { 201: PressKitView },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req, reply) => {
      const { slug } = req.params as { slug: string }
      const kit = await ctx.pressKits.create(
        requireAuth(req).account.id,
        slug,
        r.subject(req.params),
        req.body,
      )
      return reply.code(201).send(kit)
    },
  )
  app.get(
    r.base,
    {
      schema: {
        tags,
        summary: `The press kit links of ${r.what} with their opens and downloads`,
        params: r.params,
        querystring: PageQuery,
        response: { 200: PressKitList },
      },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => {
      const { slug } = req.params as { slug: string }
      return ctx.pressKits.list(requireAuth(req).account.id, slug, r.subject(req.params), req.query)
    },
  )
  app.delete(
    `${r.base}/:kitId`,
    {
      schema: {
        tags,
        summary: `Revoke a press kit link of ${r.what}`,
        params: r.kitParams,
        response: { 204: Type.Null() },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req, reply) => {
      const { slug, kitId } = req.params as { slug: string; kitId: string }
      await ctx.pressKits.revoke(requireAuth(req).account.id, slug, r.subject(req.params), kitId)
      return reply.code(204).send(null)
    },
  )
}
