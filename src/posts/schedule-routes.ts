import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { PostView } from '../http/post-schemas.js'
import { ChannelParams, PostParams } from './schemas.js'

const tags = ['scheduling']
const staff = { auth: 'required' as const, scope: 'post' as const }

const ScheduleBody = Type.Object(
  {
    publishAt: Type.String({
      format: 'date-time',
      description: 'When to publish (future, within 366 days).',
    }),
  },
  { additionalProperties: false },
)

/**
 * Drafts and scheduled (embargoed) posts (issue 6 item 3; their press preview links:
 * production/preview-routes.ts). Creating a draft or a scheduled post is `POST …/posts` with
 * `status` / `publishAt`; these routes manage them.
 */
export function scheduleRoutes(app: App, ctx: AppContext): void {
  const base = '/api/v1/channels/:slug'
  app.get(
    `${base}/schedule`,
    {
      schema: {
        tags,
        summary: 'Drafts and scheduled posts (staff): scheduled by time, then drafts',
        params: ChannelParams,
        response: { 200: Type.Object({ items: Type.Array(PostView) }) },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => ({ items: await ctx.schedule.list(requireAuth(req).account.id, req.params.slug) }),
  )
  app.put(
    `${base}/posts/:id/schedule`,
    {
      schema: {
        tags,
        summary: 'Schedule a draft, or move a scheduled post to another time',
        params: PostParams,
        body: ScheduleBody,
        response: { 200: PostView },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req) =>
      ctx.schedule.schedule(requireAuth(req).account.id, req.params.slug, req.params.id, req.body.publishAt),
  )
  app.delete(
    `${base}/posts/:id/schedule`,
    {
      schema: {
        tags,
        summary: 'Cancel a schedule (the post becomes a draft)',
        params: PostParams,
        response: { 200: PostView },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req) => ctx.schedule.unschedule(requireAuth(req).account.id, req.params.slug, req.params.id),
  )
  app.post(
    `${base}/posts/:id/publish`,
    {
      schema: {
        tags,
        summary: 'Publish a draft or scheduled post now',
        params: PostParams,
        response: { 200: PostView },
      },
      config: { ...staff, rateLimit: 'post-changes' },
    },
    async (req) => ctx.schedule.publishNow(requireAuth(req).account.id, req.params.slug, req.params.id),
  )
}
