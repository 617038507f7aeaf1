import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { CreatePostBody, PostPage, PostView, PostWriteView } from '../http/post-schemas.js'
import {
  ChannelParams,
  EditPostBody,
  IdempotencyHeaders,
  ListPostsQuery,
  PostParams,
  RevisionList,
} from './schemas.js'
import { withWarnings } from './warnings.js'

const tags = ['posts']
/**
 * A post's JSON, even fully \u-escaped: text ≤ ~25 KB, plus an album's 20 alt texts and credits
 * (1,700 characters each) ≤ ~205 KB. Nothing legitimate needs more.
 */
const POST_BODY_LIMIT = 256 * 1024
const base = '/api/v1/channels/:slug/posts'

export function postRoutes(app: App, ctx: AppContext): void {
  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Publish a post (text, album, poll or prompt)',
        description:
          'Send Idempotency-Key to make retries safe: a retry returns the same post with 200. ' +
          'An album (`media`) is published with all its images or not at all. ' +
          'The answer carries `warnings` when images lack alt text.',
        params: ChannelParams,
        headers: IdempotencyHeaders,
        body: CreatePostBody,
        response: { 200: PostWriteView, 201: PostWriteView },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'posts' },
      bodyLimit: POST_BODY_LIMIT,
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      const key = req.headers['idempotency-key']
      const result = await ctx.posts.create(auth.account.id, req.params.slug, req.body, key)
      return reply.code(result.created ? 201 : 200).send(withWarnings(result.post))
    },
  )

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "List a channel's published posts, newest first",
        params: ChannelParams,
        querystring: ListPostsQuery,
        response: { 200: PostPage },
      },
      config: { auth: 'optional', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => ctx.reads.feed(req.auth?.account.id ?? null, req.params.slug, req.query),
  )

  app.get(
    `${base}/:id`,
    {
      schema: { tags, summary: 'Get one post', params: PostParams, response: { 200: PostView } },
      config: { auth: 'optional', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => ctx.reads.post(req.auth?.account.id ?? null, req.params.slug, req.params.id),
  )

  app.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: "Edit a post (kept in the post's history)",
        params: PostParams,
        body: EditPostBody,
        response: { 200: PostWriteView },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'post-changes' },
      bodyLimit: POST_BODY_LIMIT,
    },
    async (req) =>
      withWarnings(
        await ctx.posts.edit(requireAuth(req).account.id, req.params.slug, req.params.id, req.body),
      ),
  )

  app.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a post (its text and history are erased)',
        params: PostParams,
        response: { 204: Type.Null({ description: 'Deleted.' }) },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'post-changes' },
    },
    async (req, reply) => {
      await ctx.posts.remove(requireAuth(req).account.id, req.params.slug, req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    `${base}/:id/history`,
    {
      schema: {
        tags,
        summary: "A post's earlier versions, newest first (staff)",
        params: PostParams,
        response: { 200: RevisionList },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => ({
      items: await ctx.posts.history(requireAuth(req).account.id, req.params.slug, req.params.id),
    }),
  )

  const pinRoute = (summary: string) => ({
    schema: { tags, summary, params: PostParams, response: { 200: PostView } },
    config: { auth: 'required' as const, scope: 'post' as const, rateLimit: 'post-changes' as const },
  })
  app.put(`${base}/:id/pin`, pinRoute('Pin a post'), async (req) =>
    ctx.posts.setPinned(requireAuth(req).account.id, req.params.slug, req.params.id, true),
  )
  app.delete(`${base}/:id/pin`, pinRoute('Unpin a post'), async (req) =>
    ctx.posts.setPinned(requireAuth(req).account.id, req.params.slug, req.params.id, false),
  )
}
