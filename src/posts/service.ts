import {
  assertNotArchived,
  type ChannelAccess,
  requirePermission,
  requireReadableChannel,
} from '../channels/access.js'
import { recordAudit } from '../channels/audit.js'
import type { Db } from '../db/database.js'
import { scrubErasedContent } from '../db/scrub.js'
import { fail } from '../errors.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import { channelVersion } from '../reads/version-cache.js'
import type { Clock } from '../util/clock.js'
import { VersionCache } from '../util/version-cache.js'
import { createPost } from './create.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { assertMayModify, lockVisiblePost, requireVisiblePost } from './guards.js'
import { editPost, postHistory } from './history.js'
import { eraseParts, hydrateViews, type PostHooks } from './hooks.js'
import type { PostViewData } from './schemas.js'
import { deleteRevisions, findPost, listFeed, updatePost } from './store.js'
import { toPostView } from './views.js'
import { feedStatuses } from './visibility.js'

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

export interface FeedPage {
  items: PostViewData[]
  nextCursor: string | null
}

/**
 * How long anonymous readers may share a built page of posts when nothing happened in the channel
 * (issue 14 item 6): long enough that a reader in a loop costs one channel read and a cache hit,
 * short enough that reactions and votes, which change without an event, are at most this old.
 * Any event (publish, edit, delete, pin, release, poll close) makes a new version at once.
 */
export const ANONYMOUS_PAGE_TTL_MS = 5_000
const ANONYMOUS_PAGES_MAX = 200

export interface FeedOptions {
  limit: number
  cursor?: string
  pinned?: boolean
}

/**
 * Posts in channels. Every method takes the acting account (null for an anonymous reader), checks
 * channel access and role itself, and treats a post id as meaningful only inside the channel named
 * by the slug. Every visible change appends its channel event in the same transaction.
 */
export function createPostService(deps: PostServiceDeps) {
  const { db, clock, eventLog } = deps
  const hooks = deps.hooks ?? []
  const anonymousPages = new VersionCache<FeedPage>({
    clock,
    ttlMs: ANONYMOUS_PAGE_TTL_MS,
    max: ANONYMOUS_PAGES_MAX,
  })

  /** One post, if the viewer may read the channel and the post (see visibility.ts). */
  async function get(viewerId: string | null, slug: string, postId: string): Promise<PostViewData> {
    const access = await requireReadableChannel(db, slug, viewerId)
    const post = await requireVisiblePost(db, access, postId)
    const [view] = await hydrateViews(hooks, db, access, [post], [toPostView(post, access.channel.slug)])
    return view!
  }

  /**
   * A page of the channel's feed, newest first by (publishedAt, id). Keyset paging: walking the
   * cursors sees every post that existed when paging began exactly once, even as new posts arrive.
   * Anonymous readers of a public or unlisted channel share one build per page (see
   * ANONYMOUS_PAGE_TTL_MS); a signed-in reader's page, which carries their own reactions and votes,
   * is always read for them.
   */
  async function list(viewerId: string | null, slug: string, options: FeedOptions): Promise<FeedPage> {
    const access = await requireReadableChannel(db, slug, viewerId)
    if (viewerId !== null || access.channel.visibility === 'private') return listFor(access, options)
    const key = `${access.channel.id}|${options.limit}|${options.cursor ?? ''}|${options.pinned === true}`
    return anonymousPages.get(key, channelVersion(access.channel), () => listFor(access, options))
  }

  async function listFor(access: ChannelAccess, options: FeedOptions): Promise<FeedPage> {
    const rows = await listFeed(db, {
      channelId: access.channel.id,
      statuses: feedStatuses(access),
      pinnedOnly: options.pinned === true,
      before: options.cursor === undefined ? null : decodeCursor(options.cursor),
      limit: options.limit + 1,
    })
    const items = rows.slice(0, options.limit)
    const last = items.at(-1)
    const nextCursor =
      rows.length > options.limit && last
        ? encodeCursor({ publishedAt: last.published_at!, id: last.id })
        : null
    const views = items.map((p) => toPostView(p, access.channel.slug))
    return { items: await hydrateViews(hooks, db, access, items, views), nextCursor }
  }

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
    get,
    list,
    edit: editPost.bind(null, deps),
    history: postHistory.bind(null, deps),
    remove,
    setPinned,
  }
}

export type PostService = ReturnType<typeof createPostService>
