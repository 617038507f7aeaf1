import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { PostPage, PostView } from '../http/post-schemas.js'
import { REVIEW_COMMENT_MAX } from './review.js'
import { ChannelParams, PAGE_MAX, PostParams } from './schemas.js'

const tags = ['review']
const staff = { auth: 'required' as const, scope: 'post' as const, rateLimit: 'post-changes' as const }
const PublishAt = Type.String({ format: 'date-time', description: 'Future, within 366 days.' })

const SubmitBody = Type.Object(
  { publishAt: Type.Optional({ ...PublishAt, description: 'When it should be published once approved.' }) },
  { additionalProperties: false },
)
const ApproveBody = Type.Object(
  {
    publishAt: Type.Optional(
      Type.Union([PublishAt, Type.Null()], {
        description:
          'Overrides the time it was submitted with: a time schedules it, null publishes it now. ' +
          'Default: the submitted time if still ahead, else now.',
      }),
    ),
  },
  { additionalProperties: false },
)
const ReturnBody = Type.Object(
  {
    comment: Type.String({
      minLength: 1,
      maxLength: REVIEW_COMMENT_MAX,
      description: 'What the author should change; shown to them on the post.',
    }),
  },
  { additionalProperties: false },
)
const QueueQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_MAX, default: 20 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  },
  { additionalProperties: false },
)

/**
 * Sign-off (issue 16, posts/review.ts): submit, withdraw, approve and return a post, and the review
 * queue. Approving and returning need post.approve (owner, admin); submitting and withdrawing are
 * the author's.
 */
export function reviewRoutes(app: App, ctx: AppContext): void {
  const post = '/api/v1/channels/:slug/posts/:id'
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).account.id
  app.get(
    '/api/v1/channels/:slug/reviews',
    {
      schema: {
        tags,
        summary: 'Posts waiting for review, oldest first (owner/admin: all; creator: their own)',
        params: ChannelParams,
        querystring: QueueQuery,
        response: { 200: PostPage },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => ctx.reviews.queue(who(req), req.params.slug, req.query),
  )
  app.post(
    `${post}/review`,
    {
      schema: {
        tags,
        summary: 'Submit a draft for review (its author)',
        params: PostParams,
        body: SubmitBody,
        response: { 200: PostView },
      },
      config: staff,
    },
    async (req) => ctx.reviews.submit(who(req), req.params.slug, req.params.id, req.body),
  )
  app.delete(
    `${post}/review`,
    {
      schema: {
        tags,
        summary: 'Withdraw a post from review: it is a draft again (its author)',
        params: PostParams,
        response: { 200: PostView },
      },
      config: staff,
    },
    async (req) => ctx.reviews.withdraw(who(req), req.params.slug, req.params.id),
  )
  app.post(
    `${post}/approve`,
    {
      schema: {
        tags,
        summary: 'Approve a post in review: published now or scheduled at its time (owner/admin)',
        params: PostParams,
        body: ApproveBody,
        response: { 200: PostView },
      },
      config: staff,
    },
    async (req) => ctx.reviews.approve(who(req), req.params.slug, req.params.id, req.body),
  )
  app.post(
    `${post}/return`,
    {
      schema: {
        tags,
        summary: 'Return a post in review to its author as a draft, with a comment (owner/admin)',
        params: PostParams,
        body: ReturnBody,
        response: { 200: PostView },
      },
      config: staff,
    },
    async (req) => ctx.reviews.return(who(req), req.params.slug, req.params.id, req.body.comment),
  )
}
