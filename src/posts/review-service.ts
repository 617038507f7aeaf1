import type { Page } from '../util/pagination.js'
import { approvePost, listReviews, returnPost, submitForReview, withdrawReview } from './review.js'
import type { ScheduleDeps } from './schedule.js'
import type { PostViewData } from './schemas.js'

/**
 * Sign-off of posts (review.ts, issue 16). Every step is audited; approving releases the post
 * through the same path as publishing a draft or scheduling it (schedule.ts).
 */
export interface ReviewService {
  /**
   * The author submits their draft (`post-not-draft`), optionally with the time it should go out
   * (`validation` for a past or too far time); audited as `post.submitted`.
   */
  submit(actorId: string, slug: string, postId: string, input: { publishAt?: string }): Promise<PostViewData>
  /** The author takes their post out of review, back to a draft (`post-not-in-review`); `post.withdrawn`. */
  withdraw(actorId: string, slug: string, postId: string): Promise<PostViewData>
  /**
   * post.approve: publishes the post now or schedules it at its time (`post-not-in-review`);
   * `post.approved`, and `post.published` when published now.
   */
  approve(
    actorId: string,
    slug: string,
    postId: string,
    input: { publishAt?: string | null },
  ): Promise<PostViewData>
  /** post.approve: back to a draft with a comment for the author (`post-not-in-review`); `post.returned`. */
  return(actorId: string, slug: string, postId: string, comment: string): Promise<PostViewData>
  /**
   * Posts in review, oldest submission first: all of them for post.approve, a creator's own for a
   * creator (`not-allowed` otherwise).
   */
  queue(
    actorId: string,
    slug: string,
    query: { limit?: number; cursor?: string },
  ): Promise<Page<PostViewData>>
}

export function createReviewService(deps: ScheduleDeps): ReviewService {
  return {
    submit: submitForReview.bind(null, deps),
    withdraw: withdrawReview.bind(null, deps),
    approve: approvePost.bind(null, deps),
    return: returnPost.bind(null, deps),
    queue: listReviews.bind(null, deps),
  }
}
