import {
  assertNotArchived,
  recordAudit,
  requirePermission,
  requireReadableChannel,
} from '../channels/index.js'
import type { Db } from '../db/database.js'
import { scrubErasedContent } from '../db/scrub.js'
import { fail } from '../errors.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { Clock } from '../util/clock.js'
import { type CreateResult, createPost } from './create.js'
import { assertMayModify, lockVisiblePost } from './guards.js'
import { editPost, postHistory } from './history.js'
import { eraseParts, type PostHooks } from './hooks.js'
import type { CreatePostInput, EditPostInput, PostViewData, RevisionViewData } from './schemas.js'
import { deleteRevisions, findPost, updatePost } from './store.js'
import { toPostView } from './views.js'

export interface PostServiceDeps {
  db: Db
  clock: Clock
  logger?: Logger
  eventLog: EventLog
  /** Other areas' parts of posts (polls, prompts, reactions, views…): see hooks.ts. */
  hooks?: readonly PostHooks[]
  /** Told about each newly scheduled post so it is published on time (scheduler/scheduler.ts). */
  scheduler?: { scheduled(postId: string, publishAt: number): Promise<void> }
}

/**
 * Writing posts in channels (reading them is the read pipeline's: reads/service.ts). Every method
 * takes the acting account, checks channel access and role itself, and treats a post id as
 * meaningful only inside the channel named by the slug. Every visible change appends its channel
 * event in the same transaction.
 */
export interface PostService {
  /**
   * Publishes a post now (post.create; `channel-archived`) with `post.published` in one
   * transaction; idempotent per Idempotency-Key (`idempotency-key-reused` for another body).
   */
  create(
    actorId: string,
    slug: string,
    input: CreatePostInput,
    idempotencyKey?: string,
  ): Promise<CreateResult>
  /**
   * Edits a post (its author, or post.edit-any) keeping the old state as history; appends
   * `post.edited`; a no-op edit records nothing.
   */
  edit(actorId: string, slug: string, postId: string, input: EditPostInput): Promise<PostViewData>
  /** A post's earlier versions, newest first (post.read-history). */
  history(actorId: string, slug: string, postId: string): Promise<RevisionViewData[]>
  /**
   * Deletes a post as a tombstone (its author, or post.delete-any), erasing its content everywhere;
   * appends `post.deleted` if it was published.
   */
  remove(actorId: string, slug: string, postId: string): Promise<void>
  /**
   * Pins or unpins a published post (post.pin; `post-not-published`); appends
   * `post.pinned`/`post.unpinned` unless already so.
   */
  setPinned(actorId: string, slug: string, postId: string, pinned: boolean): Promise<PostViewData>
}

export function createPostService(deps: PostServiceDeps): PostService {
  const { db, clock, eventLog } = deps
  const hooks = deps.hooks ?? []

  /**
   * Deletes a post as a tombstone: the row stays (status deleted, deleted_at) so ids and event
   * references stay valid, but its text, spoiler label, edit history and other areas' content (an
   * album's images: rows in the transaction, files right after commit; polls, prompts, answers,
   * reactions, production tags, press previews) are erased, and appending `post.deleted` ({ id })
   * reduces the post's earlier events to tombstones (event-log/redaction.ts) — deleted content is
   * not retained anywhere readers or staff can reach, nor in the database's files (db/scrub.ts).
   * Staff deleting someone else's post also leave an audit entry.
   */
  async function remove(actorId: string, slug: string, postId: string): Promise<void> {
    const access = await requireReadableChannel(db, slug, actorId)
    assertNotArchived(access)
    const channel = access.channel
    const afterCommit = await eventLog.transact(async (tx, append) => {
      const post = await lockVisiblePost(tx, access, postId)
      assertMayModify(access, post, 'post.delete-own', 'post.delete-any')
      const now = clock.now()
      await updatePost(tx, post.id, {
        status: 'deleted',
        deleted_at: now,
        text: '',
        spoiler_label: null,
        pinned_at: null,
        updated_at: now,
      })
      await deleteRevisions(tx, post.id)
      const erased = await eraseParts(hooks, tx, post)
      if (post.author_id !== actorId) {
        await recordAudit(tx, {
          channelId: channel.id,
          actorId,
          action: 'post.deleted',
          targetAccountId: post.author_id,
          targetPostId: post.id,
          details: { kind: post.kind, publishedAt: post.published_at },
          at: now,
        })
      }
      // A draft or scheduled post was never announced, so its deletion is not either.
      if (post.status === 'published') {
        await append({
          channelId: channel.id,
          channelSlug: channel.slug,
          type: 'post.deleted',
          postId: post.id,
          data: { id: post.id },
        })
      }
      return erased
    })
    for (const work of afterCommit) await work()
    if (!(await scrubErasedContent(db)))
      deps.logger?.warn({ postId }, 'erased text stays in the WAL until the next checkpoint')
  }

  /**
   * Pins or unpins a published post (post.pin). Setting the state it already has changes nothing
   * and appends nothing; otherwise `post.pinned` / `post.unpinned` ({ id, pinned, pinnedAt }).
   */
  async function setPinned(
    actorId: string,
    slug: string,
    postId: string,
    pinned: boolean,
  ): Promise<PostViewData> {
    const access = await requirePermission(db, slug, actorId, 'post.pin')
    assertNotArchived(access)
    const channel = access.channel
    return eventLog.transact(async (tx, append) => {
      const post = await lockVisiblePost(tx, access, postId)
      if (post.status !== 'published') fail('post-not-published', 'Publish the post before pinning it.')
      if ((post.pinned_at !== null) === pinned) return toPostView(post, channel.slug)
      const pinnedAt = pinned ? clock.now() : null
      await updatePost(tx, post.id, { pinned_at: pinnedAt, updated_at: clock.now() })
      const view = toPostView((await findPost(tx, channel.id, post.id))!, channel.slug)
      await append({
        channelId: channel.id,
        channelSlug: channel.slug,
        type: pinned ? 'post.pinned' : 'post.unpinned',
        postId: post.id,
        data: { id: post.id, pinned, pinnedAt: view.pinnedAt },
      })
      return view
    })
  }

  return {
    create: createPost.bind(null, deps),
    edit: editPost.bind(null, deps),
    history: postHistory.bind(null, deps),
    remove,
    setPinned,
  }
}
