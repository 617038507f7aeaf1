import { roleAllows } from '../channels/index.js'
import type { PostHooks } from './hooks.js'
import { deleteReview, reviewsOf } from './review-store.js'

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The review part of posts (review.ts) as a post hook: the staff's view of a post carries its
 * sign-off state — the author reads a return comment there — and deleting a post erases it. Fans,
 * public surfaces and event data (built for an anonymous reader) never get the field.
 */
export function createReviewHooks(): PostHooks {
  return {
    async hydrate(db, access, posts, views) {
      if (!roleAllows(access.role, 'post.read-unpublished') || posts.length === 0) return
      const rows = await reviewsOf(
        db,
        posts.map((p) => p.id),
      )
      const byPost = new Map(rows.map((r) => [r.post_id, r]))
      posts.forEach((post, i) => {
        const row = byPost.get(post.id)
        // Absent rather than null when never submitted: the view of a new post is the same for
        // every reader, whoever created it (posts/create.ts answers with the public view).
        if (!row) return
        views[i]!.review = {
          state: row.state,
          comment: row.comment,
          by: { handle: row.actor_handle, displayName: row.actor_display_name },
          at: iso(row.at),
          submittedAt: iso(row.submitted_at),
        }
      })
    },
    async erase(tx, post) {
      await deleteReview(tx, post.id)
      return undefined
    },
  }
}
