import { assertNotArchived, type ChannelAccess, invalidField, requirePermission } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { PostStatus } from '../db/schema.js'
import { fail } from '../errors.js'
import { assertMayModify, assertMayRelease, requireVisiblePost } from './guards.js'
import { hydrateViews, publicAccess, runPublished } from './hooks.js'
import type { PostViewData, ReleaseInput } from './schemas.js'
import type { PostServiceDeps } from './service.js'
import { findPost } from './store.js'
import { type PostRecord, toPostView } from './views.js'

/**
 * Drafts and scheduled (embargoed) posts (issue 6 item 3). A scheduled post has `publish_at`; until
 * then it is visible only to staff holding post.read-unpublished — every read path asks
 * visibility.ts, and no channel event exists for it, so the stream, feeds and pages cannot see it.
 * Publishing is one conditional UPDATE … WHERE status = 'scheduled' AND publish_at = <the time the
 * job was for>, in the same transaction as its `post.published` event: however many nodes or
 * retries try, one wins and the others change nothing (exactly once).
 */

/** A scheduled post more than this late when published is marked `publishedLate` (server was down). */
export const LATE_AFTER_MS = 30_000
/** How far ahead a post may be scheduled. */
export const SCHEDULE_HORIZON_MS = 366 * 86_400_000

export interface Release {
  status: Extract<PostStatus, 'published' | 'draft' | 'scheduled'>
  publishAt: number | null
}

/** Checks a publish time: a real moment in the future, within a year. */
export function checkPublishAt(value: string, now: number, field = '/publishAt'): number {
  const at = Date.parse(value)
  if (Number.isNaN(at)) invalidField(field, 'must be a date-time')
  if (at <= now) invalidField(field, 'must be in the future')
  if (at > now + SCHEDULE_HORIZON_MS) invalidField(field, 'must be within 366 days')
  return at
}

/** What a create request asks for: publish now (default), keep as a draft, or schedule. */
export function planRelease(input: ReleaseInput, now: number): Release {
  const status = input.status ?? (input.publishAt === undefined ? 'published' : 'scheduled')
  if (status === 'scheduled') {
    if (input.publishAt === undefined) invalidField('/publishAt', 'is required for a scheduled post')
    return { status, publishAt: checkPublishAt(input.publishAt, now) }
  }
  if (input.publishAt !== undefined) {
    invalidField('/publishAt', `must not be given for a ${status} post (use status "scheduled")`)
  }
  return { status, publishAt: null }
}

/** Scheduling fields of the post view, added by the production hook. */
export function releaseFields(post: PostRecord) {
  return {
    publishAt: post.publish_at === null ? null : new Date(post.publish_at).toISOString(),
    publishedLate:
      post.status === 'published' &&
      post.publish_at !== null &&
      post.published_at !== null &&
      post.published_at - post.publish_at > LATE_AFTER_MS,
  }
}

export interface SchedulerHandle {
  /** A post was scheduled (or rescheduled) to `publishAt`: make sure a job will publish it. */
  scheduled(postId: string, publishAt: number): Promise<void>
}

export type ScheduleDeps = PostServiceDeps & { scheduler?: SchedulerHandle }

async function publicView(deps: PostServiceDeps, tx: DbOrTx, access: ChannelAccess, record: PostRecord) {
  const [view] = await hydrateViews(
    deps.hooks ?? [],
    tx,
    publicAccess(access),
    [record],
    [toPostView(record, access.channel.slug)],
  )
  return view!
}

/**
 * Flips a draft or scheduled post to published at `now` and appends `post.published` (data: the
 * public view) in the same transaction — only if the row still matches `where` (status and, for
 * the scheduler, the exact publish time its job was for). Returns the view, or null when another
 * node, a retry, a reschedule or a cancel got there first. `alongside` writes what must commit
 * with the release (an approval's review step and audit entry: review.ts).
 */
export async function release(
  deps: PostServiceDeps,
  access: ChannelAccess,
  postId: string,
  where: { statuses: PostStatus[]; publishAt?: number; keepPublishAt: boolean },
  alongside?: (tx: DbOrTx, now: number) => Promise<void>,
): Promise<PostViewData | null> {
  const { clock, eventLog } = deps
  const channel = access.channel
  return eventLog.transact(async (tx, append) => {
    const now = clock.now()
    let update = tx
      .updateTable('post')
      .set({
        status: 'published',
        published_at: now,
        updated_at: now,
        ...(where.keepPublishAt ? {} : { publish_at: null }),
      })
      .where('id', '=', postId)
      .where('channel_id', '=', channel.id)
      .where('status', 'in', where.statuses)
    if (where.publishAt !== undefined) {
      update = update.where('publish_at', '=', where.publishAt).where('publish_at', '<=', now)
    }
    const result = await update.executeTakeFirst()
    if (result.numUpdatedRows === 0n) return null
    await alongside?.(tx, now)
    const record = (await findPost(tx, channel.id, postId))!
    await runPublished(deps.hooks ?? [], tx, record)
    const view = await publicView(deps, tx, access, record)
    await append({
      channelId: channel.id,
      channelSlug: channel.slug,
      type: 'post.published',
      postId,
      data: view,
    })
    return view
  })
}

/**
 * The scheduler's entry: publishes the post if it is still scheduled for exactly `publishAt` and
 * that moment has come. Safe to call from any number of nodes at once; true for the one call
 * that published.
 */
export async function publishDue(deps: PostServiceDeps, postId: string, publishAt: number): Promise<boolean> {
  const row = await deps.db
    .selectFrom('post')
    .innerJoin('channel', 'channel.id', 'post.channel_id')
    .selectAll('channel')
    .where('post.id', '=', postId)
    .executeTakeFirst()
  // An archived channel takes no posts; its due posts go out (late) once it is unarchived.
  if (!row || row.archived_at !== null) return false
  const access: ChannelAccess = {
    channel: row,
    accountId: null,
    membership: null,
    role: null,
    isBanned: false,
  }
  const view = await release(deps, access, postId, {
    statuses: ['scheduled'],
    publishAt,
    keepPublishAt: true,
  })
  return view !== null
}

async function staffPost(deps: PostServiceDeps, actorId: string, slug: string, postId: string) {
  const access = await requirePermission(deps.db, slug, actorId, 'post.read-unpublished')
  assertNotArchived(access)
  const post = await requireVisiblePost(deps.db, access, postId)
  assertMayModify(access, post, 'post.edit-own', 'post.edit-any')
  if (post.status === 'published') fail('post-already-published', 'The post is already published.')
  if (post.status === 'in_review') {
    fail('post-in-review', 'The post is waiting for review: withdraw it, or approve or return it, first.')
  }
  return { access, post }
}

/** Schedules a draft, or moves a scheduled post to another time. */
export async function schedulePost(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  postId: string,
  publishAtText: string,
): Promise<PostViewData> {
  const { access } = await staffPost(deps, actorId, slug, postId)
  assertMayRelease(access)
  const now = deps.clock.now()
  const publishAt = checkPublishAt(publishAtText, now)
  const result = await deps.db
    .updateTable('post')
    .set({ status: 'scheduled', publish_at: publishAt, updated_at: now })
    .where('id', '=', postId)
    .where('status', 'in', ['draft', 'scheduled'])
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) fail('post-already-published', 'The post was published meanwhile.')
  await deps.scheduler?.scheduled(postId, publishAt)
  return staffView(deps, access, postId)
}

/** Cancels a schedule: the post goes back to being a draft (its embargo time is forgotten). */
export async function unschedulePost(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  postId: string,
): Promise<PostViewData> {
  const { access } = await staffPost(deps, actorId, slug, postId)
  const result = await deps.db
    .updateTable('post')
    .set({ status: 'draft', publish_at: null, updated_at: deps.clock.now() })
    .where('id', '=', postId)
    .where('status', 'in', ['draft', 'scheduled'])
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) fail('post-already-published', 'The post was published meanwhile.')
  return staffView(deps, access, postId)
}

/** Publishes a draft or scheduled post now (with its event and notifications). */
export async function publishNow(
  deps: ScheduleDeps,
  actorId: string,
  slug: string,
  postId: string,
): Promise<PostViewData> {
  const { access } = await staffPost(deps, actorId, slug, postId)
  assertMayRelease(access)
  const view = await release(deps, access, postId, { statuses: ['draft', 'scheduled'], keepPublishAt: false })
  if (!view) fail('post-already-published', 'The post was published meanwhile.')
  return staffView(deps, access, postId)
}

/** The post as the channel's staff see it (with every area's fields). */
export async function staffView(deps: PostServiceDeps, access: ChannelAccess, postId: string) {
  const record = (await findPost(deps.db, access.channel.id, postId))!
  const [view] = await hydrateViews(
    deps.hooks ?? [],
    deps.db,
    access,
    [record],
    [toPostView(record, access.channel.slug)],
  )
  return view!
}

/** The channel's drafts and scheduled posts for its staff: scheduled by time, then drafts newest first. */
export async function listUnpublished(
  deps: PostServiceDeps,
  actorId: string,
  slug: string,
): Promise<PostViewData[]> {
  const access = await requirePermission(deps.db, slug, actorId, 'post.read-unpublished')
  const rows = await deps.db
    .selectFrom('post')
    .innerJoin('account', 'account.id', 'post.author_id')
    .selectAll('post')
    .select(['account.handle as author_handle', 'account.display_name as author_display_name'])
    .where('post.channel_id', '=', access.channel.id)
    .where('post.status', 'in', ['draft', 'scheduled'])
    .limit(500)
    .execute()
  rows.sort((a, b) => {
    if (a.status !== b.status) return a.status === 'scheduled' ? -1 : 1
    if (a.status === 'scheduled') return a.publish_at! - b.publish_at! || a.id.localeCompare(b.id)
    return b.created_at - a.created_at || b.id.localeCompare(a.id)
  })
  const views = rows.map((r) => toPostView(r, access.channel.slug))
  return hydrateViews(deps.hooks ?? [], deps.db, access, rows, views)
}

/** Scheduled posts due at or before `now` (oldest first), for the scheduler's sweeps. */
export async function duePosts(db: DbOrTx, now: number, limit: number) {
  return scheduledQuery(db).where('post.publish_at', '<=', now).limit(limit).execute()
}

/** Scheduled posts due before `until` (the scheduler queues a job for each). */
export async function upcomingPosts(db: DbOrTx, until: number, limit: number) {
  return scheduledQuery(db).where('post.publish_at', '<=', until).limit(limit).execute()
}

/** Scheduled posts, oldest first. An archived channel's stay put until it is unarchived (then late). */
function scheduledQuery(db: DbOrTx) {
  return db
    .selectFrom('post')
    .innerJoin('channel', 'channel.id', 'post.channel_id')
    .select(['post.id', 'post.publish_at'])
    .where('post.status', '=', 'scheduled')
    .where('channel.archived_at', 'is', null)
    .orderBy('post.publish_at')
}
