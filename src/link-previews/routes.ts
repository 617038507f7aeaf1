import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { PostParams } from '../posts/index.js'

/** Link previews' HTTP surface: a creator takes the card off a post (issue 18 part 4). */
export function linkPreviewRoutes(app: App, ctx: AppContext): void {
  app.delete(
    '/api/v1/channels/:slug/posts/:id/link-preview',
    {
      schema: {
        tags: ['posts'],
        summary: "Remove a post's link preview (its author, or owners and admins)",
        description:
          'The card is hidden everywhere and the link is not fetched again for this post, unless an edit changes its first link. Idempotent.',
        params: PostParams,
        response: { 204: Type.Null({ description: 'Removed (or there was none).' }) },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'post-changes' },
    },
    async (req, reply) => {
      await ctx.linkPreviews.remove(requireAuth(req).account.id, req.params.slug, req.params.id)
      return reply.code(204).send(null)
    },
  )
}
