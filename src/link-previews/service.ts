import { loadAccessForChannel, requireReadableChannel } from '../channels/index.js'
import type { RateLimitRule } from '../config/rate-limits.js'
import type { Db } from '../db/database.js'
import type { EventLog, LoggedEvent } from '../event-log/event-log.js'
import type { RateLimiter } from '../kv/rate-limiter.js'
import type { Logger } from '../logger.js'
import { deleteFilesOfDeletedRows, deleteMediaRows, rehostImage } from '../media/index.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { OutboundClient } from '../outbound/index.js'
import {
  assertMayModify,
  findPost,
  hydrateViews,
  lockVisiblePost,
  type PostHooks,
  publicAccess,
  toPostView,
} from '../posts/index.js'
import type { Queue } from '../queue/queue.js'
import type { Clock } from '../util/clock.js'
import { fetchCard, fetchImage } from './fetch-card.js'
import { firstLinkOf } from './first-link.js'
import {
  deleteCachedPreview,
  findCachedPreview,
  findPostLink,
  markRemoved,
  savePreview,
  setPostLink,
  unlinkedPreviews,
} from './store.js'

export interface LinkPreviewConfig {
  /** How long a fetched card is reused for other posts linking the same URL. */
  ttlMs: number
  /** Fetches a post author may cause (cache hits are free). */
  perAccount: RateLimitRule
  /** Fetches the whole server makes. */
  global: RateLimitRule
}

export interface LinkPreviewServiceDeps {
  db: Db
  clock: Clock
  queue: Queue
  eventLog: EventLog
  outbound: OutboundClient
  mediaStore: MediaStore
  rateLimiter: RateLimiter
  media: { maxBytes: number; maxPixels: number }
  config: LinkPreviewConfig
  logger: Logger
  /** Every area's post hooks, this one's included: the live edit carries the whole post view. */
  hooks: () => readonly PostHooks[]
}

export interface LinkPreviewService {
  /** Registers the job handler and the event listener on this node; returns their removal. */
  start(): () => void
  /**
   * A creator takes the preview off their post (post.edit-own, or post.edit-any for others'); it
   * is not fetched again for this post unless its first link changes. Appends `post.edited` when
   * the post is published. Idempotent.
   */
  remove(actorId: string, slug: string, postId: string): Promise<void>
  /** The job: fetches (or reuses) the card of the post's first link, if the post is public. */
  refresh(channelId: string, postId: string): Promise<void>
  /**
   * Deletes cached cards (and their images) that no post links any more — left by a channel's
   * deletion or an account's erasure, which remove posts without their hooks. Periodic; returns
   * how many it deleted.
   */
  sweep(): Promise<number>
}

/** How often the sweep runs (context.ts periodic jobs). */
export const PREVIEW_SWEEP_INTERVAL_MS = 3_600_000

export const PREVIEW_QUEUE = 'link-preview'
/** A failed fetch is remembered this long, so a broken link is not fetched for every post. */
const FAILED_TTL_MS = 3_600_000

interface PreviewJob {
  channelId: string
  postId: string
}

/**
 * Link previews (issue 18 part 4). A post is fetched only once it is public — on its committed
 * `post.published` (published now, by the scheduler when its embargo lifts, or on approval) or a
 * `post.edited` of a published post — because the fetch itself tells the linked site about the
 * link. The fetch runs as a Queue job (STYLE rule 10) through the outbound client; the card is
 * cached by URL, and the cap on fetches per author and for the server is checked before any
 * network. When the card arrives the post's `post.edited` event carries it to live clients.
 */
export function createLinkPreviewService(deps: LinkPreviewServiceDeps): LinkPreviewService {
  const { db, clock, logger } = deps

  function start(): () => void {
    deps.queue.process<PreviewJob>(PREVIEW_QUEUE, (job) => refresh(job.channelId, job.postId), {
      concurrency: 2,
    })
    return deps.eventLog.onCommitted(async (events: readonly LoggedEvent[]) => {
      for (const event of events) {
        if (!event.postId || (event.type !== 'post.published' && event.type !== 'post.edited')) continue
        // The card's own edit events (below, quiet) must not queue the post again.
        if (event.isQuiet) continue
        await deps.queue.add<PreviewJob>(
          PREVIEW_QUEUE,
          { channelId: event.channelId, postId: event.postId },
          { jobId: `link-preview:${event.id}`, attempts: 1 },
        )
      }
    })
  }

  async function refresh(channelId: string, postId: string): Promise<void> {
    const post = await findPost(db, channelId, postId)
    if (post?.status !== 'published' || post.deleted_at !== null) return
    const url = firstLinkOf(post.text)
    const link = await findPostLink(db, postId)
    if (url === null || (link?.url === url && link.is_removed === 1)) return
    const now = clock.now()
    let card = await findCachedPreview(db, url)
    if (link?.url === url && card && card.expires_at > now) return
    if (!card || card.expires_at <= now) {
      if (!(await isWithinCaps(post.author_id))) {
        logger.info({ postId, author: post.author_id }, 'link preview: fetch cap reached, no preview')
        return
      }
      card = await fetchAndCache(url, post.author_id)
    }
    if (card.status !== 'ready') return
    await announce(channelId, postId, url)
  }

  async function isWithinCaps(authorId: string): Promise<boolean> {
    const { perAccount, global } = deps.config
    const mine = await deps.rateLimiter.hit(
      `link-preview:account:${authorId}`,
      perAccount.limit,
      perAccount.windowMs,
    )
    if (!mine.allowed) return false
    return (await deps.rateLimiter.hit('link-preview:all', global.limit, global.windowMs)).allowed
  }

  async function fetchAndCache(url: string, ownerId: string) {
    const now = clock.now()
    const fetched = await fetchCard(deps.outbound, url, logger)
    const card = fetched?.card
    const hasText = card !== undefined && (card.title !== null || card.description !== null)
    let imageId: string | null = null
    if (fetched && hasText && card.image) imageId = await rehost(card.image, fetched.pageUrl, ownerId)
    const row = {
      url,
      status: hasText ? ('ready' as const) : ('failed' as const),
      title: card?.title ?? null,
      description: card?.description ?? null,
      site_name: card?.siteName ?? null,
      image_media_id: imageId,
      fetched_at: now,
      expires_at: now + (hasText ? deps.config.ttlMs : FAILED_TTL_MS),
    }
    const replaced = await savePreview(db, row)
    if (replaced)
      await deleteFilesOfDeletedRows(
        { db, mediaStore: deps.mediaStore, logger },
        await deleteMediaRows(db, [replaced]),
      )
    return row
  }

  /** The page's image through the media pipeline (limits before decode, metadata stripped). */
  async function rehost(image: string, pageUrl: URL, ownerId: string): Promise<string | null> {
    let imageUrl: string
    try {
      imageUrl = new URL(image, pageUrl).href
    } catch {
      return null
    }
    const bytes = await fetchImage(deps.outbound, imageUrl, deps.media.maxBytes, logger)
    if (!bytes) return null
    try {
      return await rehostImage(
        { db, mediaStore: deps.mediaStore, limits: deps.media },
        ownerId,
        bytes,
        clock.now(),
      )
    } catch (error) {
      logger.debug({ url: imageUrl, err: error }, 'link preview: image refused by the media pipeline')
      return null
    }
  }

  /** Links the card to the post and tells live clients, in one transaction. */
  async function announce(channelId: string, postId: string, url: string): Promise<void> {
    await deps.eventLog.transact(async (tx, append) => {
      const record = await findPost(tx, channelId, postId)
      if (record?.status !== 'published' || record.deleted_at !== null) return
      await setPostLink(tx, postId, url, clock.now())
      const channel = await tx
        .selectFrom('channel')
        .selectAll()
        .where('id', '=', channelId)
        .executeTakeFirstOrThrow()
      const access = publicAccess(await loadAccessForChannel(tx, channel, null))
      const [view] = await hydrateViews(
        deps.hooks(),
        tx,
        access,
        [record],
        [toPostView(record, channel.slug)],
      )
      await append({
        channelId,
        channelSlug: channel.slug,
        type: 'post.edited',
        postId,
        data: view,
        isQuiet: true,
      })
    })
  }

  async function remove(actorId: string, slug: string, postId: string): Promise<void> {
    const access = await requireReadableChannel(db, slug, actorId)
    await deps.eventLog.transact(async (tx, append) => {
      const post = await lockVisiblePost(tx, access, postId)
      assertMayModify(access, post, 'post.edit-own', 'post.edit-any')
      const url = firstLinkOf(post.text)
      const link = await findPostLink(tx, postId)
      if (url === null || (link?.url === url && link.is_removed === 1)) return
      await markRemoved(tx, postId, url, clock.now())
      if (post.status !== 'published') return
      const [view] = await hydrateViews(
        deps.hooks(),
        tx,
        publicAccess(access),
        [post],
        [toPostView(post, access.channel.slug)],
      )
      await append({
        channelId: access.channel.id,
        channelSlug: access.channel.slug,
        type: 'post.edited',
        postId,
        data: view,
        isQuiet: true,
      })
    })
  }

  async function sweep(): Promise<number> {
    const urls = await unlinkedPreviews(db, 500)
    for (const url of urls) {
      const deleted = await db.transaction().execute(async (tx) => {
        const imageId = await deleteCachedPreview(tx, url)
        return imageId === null ? [] : deleteMediaRows(tx, [imageId])
      })
      await deleteFilesOfDeletedRows({ db, mediaStore: deps.mediaStore, logger }, deleted)
    }
    if (urls.length > 0) logger.info({ count: urls.length }, 'link previews: deleted unlinked cards')
    return urls.length
  }

  return { start, remove, refresh, sweep }
}
