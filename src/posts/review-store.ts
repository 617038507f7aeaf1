import type { DbOrTx } from '../db/database.js'
import type { ReviewState } from '../db/schema.js'
import { selectPosts } from './store.js'
import type { PostRecord } from './views.js'

/** The review rows of posts (review.ts): plain queries, no policy. */

export interface ReviewStep {
  postId: string
  channelId: string
  state: ReviewState
  comment: string | null
  actorId: string
  at: number
}

/**
 * Records a step of a post's review: its one row holds the last step. Submitting starts a new round
 * (`submitted_at` = now); the other steps keep the submission time of the round they end.
 */
export async function recordReviewStep(tx: DbOrTx, step: ReviewStep): Promise<void> {
  const row = {
    state: step.state,
    comment: step.comment,
    actor_id: step.actorId,
    at: step.at,
  }
  const updated = await tx
    .updateTable('post_review')
    .set(step.state === 'in_review' ? { ...row, submitted_at: step.at } : row)
    .where('post_id', '=', step.postId)
    .executeTakeFirst()
  if (updated.numUpdatedRows > 0n) return
  await tx
    .insertInto('post_review')
    .values({ ...row, post_id: step.postId, channel_id: step.channelId, submitted_at: step.at })
    .execute()
}

export interface ReviewRecord {
  post_id: string
  state: ReviewState
  comment: string | null
  at: number
  submitted_at: number
  actor_handle: string
  actor_display_name: string
}

/** The review rows of a page of posts, in one query. */
export async function reviewsOf(db: DbOrTx, postIds: readonly string[]): Promise<ReviewRecord[]> {
  if (postIds.length === 0) return []
  return db
    .selectFrom('post_review')
    .innerJoin('account', 'account.id', 'post_review.actor_id')
    .select([
      'post_review.post_id',
      'post_review.state',
      'post_review.comment',
      'post_review.at',
      'post_review.submitted_at',
      'account.handle as actor_handle',
      'account.display_name as actor_display_name',
    ])
    .where('post_review.post_id', 'in', postIds)
    .execute()
}

export interface QueueQuery {
  channelId: string
  /** Only this author's posts (a creator's own queue); null for every author. */
  authorId: string | null
  /** Keyset position: only submissions strictly after (submittedAt, id). */
  after: { submittedAt: number; id: string } | null
  limit: number
}

export type QueuedPost = PostRecord & { submitted_at: number }

/** A channel's posts waiting for review, oldest submission first (the post_review_queue index). */
export async function listQueue(db: DbOrTx, q: QueueQuery): Promise<QueuedPost[]> {
  let query = selectPosts(db)
    .innerJoin('post_review', 'post_review.post_id', 'post.id')
    .select('post_review.submitted_at')
    .where('post_review.channel_id', '=', q.channelId)
    .where('post_review.state', '=', 'in_review')
    .where('post.status', '=', 'in_review')
  if (q.authorId !== null) query = query.where('post.author_id', '=', q.authorId)
  const after = q.after
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('post_review.submitted_at', '>', after.submittedAt),
        eb.and([eb('post_review.submitted_at', '=', after.submittedAt), eb('post.id', '>', after.id)]),
      ]),
    )
  }
  return query.orderBy('post_review.submitted_at').orderBy('post.id').limit(q.limit).execute()
}

/** Erases a deleted post's review (its return comment may quote the post). */
export async function deleteReview(tx: DbOrTx, postId: string): Promise<void> {
  await tx.deleteFrom('post_review').where('post_id', '=', postId).execute()
}
