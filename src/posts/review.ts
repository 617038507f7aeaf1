import {
  assertNotArchived,
  type ChannelAccess,
  cleanText,
  invalidField,
  recordAudit,
  requirePermission,
  roleAllows,
} from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import { fail } from '../errors.js'
import { cursorCodec, type Page, toPage } from '../util/pagination.js'
import { lockVisiblePost, requireVisiblePost } from './guards.js'
import { hydrateViews } from './hooks.js'
import { listQueue, type QueuedPost, recordReviewStep } from './review-store.js'
import { checkPublishAt, release, type ScheduleDeps, staffView } from './schedule.js'
import type { PostViewData } from './schemas.js'
import { updatePost } from './store.js'
import { toPostView } from './views.js'

/**
 * Sign-off (issue 16; seed row: draft → approve → schedule). The author submits a draft for review,
 * optionally with the time it should go out (kept in `publish_at`; nothing schedules it yet): the
 * post is `in_review`, still unpublished everywhere (visibility.ts). The author may withdraw it (back
 * to a draft); an owner or admin (post.approve) approves it — published now, or scheduled at its
 * time — or returns it to a draft with a comment the author sees on the post. Each step is one
 * transaction that also writes the post's review row (review-store.ts) and an audit entry
 * (`post.submitted`, `post.withdrawn`, `post.approved`, `post.returned`; the return comment stays
 * on the post, which erases it when deleted, rather than in the audit log, which keeps its entries).
 * Whether a channel requires this is `channel.require_approval` (guards.ts `assertMayRelease`).
 */

/** Return comments, in characters after trimming. */
export const REVIEW_COMMENT_MAX = 1000

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** Review queue order: (submittedAt, post id), oldest first. */
export const reviewCursor = cursorCodec({ submittedAt: 'int', id: 'id' })

interface Step {
  access: ChannelAccess
  tx: DbOrTx
  postId: string
  authorId: string
  actorId: string
  now: number
}

/** Writes one review step's row and audit entry, in the transaction of its change. */
async function recordStep(
  step: Step,
  state: 'in_review' | 'withdrawn' | 'approved' | 'returned',
  details: Record<string, unknown>,
  comment: string | null = null,
): Promise<void> {
  const channelId = step.access.channel.id
  await recordReviewStep(step.tx, {
    postId: step.postId,
    channelId,
    state,
    comment,
    actorId: step.actorId,
    at: step.now,
  })
  const action = {
    in_review: 'post.submitted',
    withdrawn: 'post.withdrawn',
    approved: 'post.approved',
    returned: 'post.returned',
  }[state]
  await recordAudit(step.tx, {
    channelId,
    actorId: step.actorId,
    action,
    targetAccountId: step.authorId,
    targetPostId: step.postId,
    details,
    at: step.now,
  })
}

async function staffAccess(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  permission: 'post.create' | 'post.approve',
) {
  const access = await requirePermission(deps.db, slug, actorId, permission)
  assertNotArchived(access)
  return access
}

function notInReview(): never {
  fail('post-not-in-review', 'The post is not waiting for review (it was withdrawn, approved or returned).')
}

/** The author submits their draft for review, optionally with the time it should be published. */
export async function submitForReview(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  postId: string,
  input: { publishAt?: string },
): Promise<PostViewData> {
  const access = await staffAccess(deps, actorId, slug, 'post.create')
  const publishAt = input.publishAt === undefined ? null : checkPublishAt(input.publishAt, deps.clock.now())
  await deps.db.transaction().execute(async (tx) => {
    const post = await lockVisiblePost(tx, access, postId)
    if (post.author_id !== actorId) fail('not-allowed', 'Only its author can submit a post for review.')
    if (post.status !== 'draft')
      fail('post-not-draft', `Only a draft can be submitted; this post is ${post.status}.`)
    const now = deps.clock.now()
    await updatePost(tx, post.id, { status: 'in_review', publish_at: publishAt, updated_at: now })
    const step = { access, tx, postId, authorId: post.author_id, actorId, now }
    await recordStep(step, 'in_review', { publishAt: iso(publishAt) })
  })
  return staffView(deps, access, postId)
}

/** The author takes their post back out of review: it is a draft again (its intended time forgotten). */
export async function withdrawReview(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  postId: string,
): Promise<PostViewData> {
  const access = await staffAccess(deps, actorId, slug, 'post.create')
  await deps.db.transaction().execute(async (tx) => {
    const post = await lockVisiblePost(tx, access, postId)
    if (post.author_id !== actorId) fail('not-allowed', 'Only its author can withdraw a post from review.')
    if (post.status !== 'in_review') notInReview()
    const now = deps.clock.now()
    await updatePost(tx, post.id, { status: 'draft', publish_at: null, updated_at: now })
    await recordStep({ access, tx, postId, authorId: post.author_id, actorId, now }, 'withdrawn', {})
  })
  return staffView(deps, access, postId)
}

/**
 * An owner or admin approves a post in review: it is scheduled at `publishAt` (the body's, else the
 * one it was submitted with) when that is still ahead, and published now otherwise — with its
 * `post.published` event, and so its notifications, as any publish. `publishAt: null` publishes now.
 */
export async function approvePost(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  postId: string,
  input: { publishAt?: string | null },
): Promise<PostViewData> {
  const access = await staffAccess(deps, actorId, slug, 'post.approve')
  const chosen =
    typeof input.publishAt === 'string' ? checkPublishAt(input.publishAt, deps.clock.now()) : input.publishAt
  const post = await reviewedPost(deps, access, postId)
  const publishAt = chosen === undefined ? post.publish_at : chosen
  const author = post.author_id
  if (publishAt === null || publishAt <= deps.clock.now()) {
    const view = await release(
      deps,
      access,
      postId,
      { statuses: ['in_review'], keepPublishAt: false },
      (tx, at) =>
        recordStep({ access, tx, postId, authorId: author, actorId, now: at }, 'approved', {
          outcome: 'published',
          publishAt: null,
        }),
    )
    if (!view) notInReview()
    return staffView(deps, access, postId)
  }
  await deps.db.transaction().execute(async (tx) => {
    const changed = await tx
      .updateTable('post')
      .set({ status: 'scheduled', publish_at: publishAt, updated_at: deps.clock.now() })
      .where('id', '=', postId)
      .where('channel_id', '=', access.channel.id)
      .where('status', '=', 'in_review')
      .executeTakeFirst()
    if (changed.numUpdatedRows === 0n) notInReview()
    const step = { access, tx, postId, authorId: author, actorId, now: deps.clock.now() }
    await recordStep(step, 'approved', { outcome: 'scheduled', publishAt: iso(publishAt) })
  })
  await deps.scheduler?.scheduled(postId, publishAt)
  return staffView(deps, access, postId)
}

/** The post, which must be in review (read before the write, which re-checks the status). */
async function reviewedPost(deps: ScheduleDeps, access: ChannelAccess, postId: string) {
  const post = await requireVisiblePost(deps.db, access, postId)
  if (post.status !== 'in_review') notInReview()
  return post
}

/** An owner or admin sends a post in review back to its author as a draft, with a comment. */
export async function returnPost(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  postId: string,
  commentText: string,
): Promise<PostViewData> {
  const access = await staffAccess(deps, actorId, slug, 'post.approve')
  // Multi-line text like a digest intro: line breaks kept, other control characters refused.
  const comment = cleanText(commentText, '/comment')
  if (comment === '') invalidField('/comment', 'cannot be blank: tell the author what to change')
  await deps.db.transaction().execute(async (tx) => {
    const post = await lockVisiblePost(tx, access, postId)
    if (post.status !== 'in_review') notInReview()
    const now = deps.clock.now()
    await updatePost(tx, post.id, { status: 'draft', publish_at: null, updated_at: now })
    await recordStep({ access, tx, postId, authorId: post.author_id, actorId, now }, 'returned', {}, comment)
  })
  return staffView(deps, access, postId)
}

/**
 * The review queue, oldest submission first: every post in review for those who may approve, a
 * creator's own for a creator (`not-allowed` for anyone else).
 */
export async function listReviews(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  query: { limit?: number; cursor?: string },
): Promise<Page<PostViewData>> {
  const access = await requirePermission(deps.db, slug, actorId, 'post.create')
  const limit = query.limit ?? 20
  const rows = await listQueue(deps.db, {
    channelId: access.channel.id,
    authorId: roleAllows(access.role, 'post.approve') ? null : actorId,
    after: reviewCursor.decodeOptional(query.cursor),
    limit: limit + 1,
  })
  const page = toPage(rows, limit, (last: QueuedPost) =>
    reviewCursor.encode({ submittedAt: last.submitted_at, id: last.id }),
  )
  const views = page.items.map((r) => toPostView(r, access.channel.slug))
  return {
    items: await hydrateViews(deps.hooks ?? [], deps.db, access, page.items, views),
    nextCursor: page.nextCursor,
  }
}
