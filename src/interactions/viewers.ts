import { AnonymousViewFilter } from './anonymous-views.js'
import type { InteractionDeps } from './deps.js'
import { createGroupCommit } from './group-commit.js'
import { addAnonymousViews, insertView, insertViews } from './store.js'
import { requireTarget } from './target.js'

/** How often the approximate anonymous counters are written (one UPDATE per post per flush). */
const ANONYMOUS_FLUSH_MS = 2_000

/**
 * View counting. A client reports that a post was shown (`POST …/posts/{id}/views`); reads stay
 * free of side effects. Members count once per post, exactly (post_view, unique per member).
 * Everyone else who may read the post — anonymous visitors, and logged-in non-members — counts in
 * an approximate counter on public and unlisted channels, once per visitor per post per day
 * (AnonymousViewFilter); private channels have only member views.
 */
export interface ViewService {
  /**
   * Counts a view of a published post by `viewerId` (null: anonymous); `visitorKey` tells
   * non-members apart for the day and is never stored.
   */
  record(viewerId: string | null, visitorKey: string, slug: string, postId: string): Promise<void>
  /** Writes pending anonymous views now (tests, shutdown). */
  flushAnonymous(): Promise<void>
  /** Stops the flush timer and writes what is pending. */
  close(): Promise<void>
}

export function createViewService({
  db,
  clock,
  logger,
  marker,
  batchWindowMs = 0,
}: InteractionDeps): ViewService {
  type ViewRow = { post_id: string; account_id: string; viewed_at: number }
  /** Member views, group-committed like reactions; window 0 writes each alone (before issue 21). */
  const views = createGroupCommit<ViewRow, boolean>(
    { windowMs: batchWindowMs, maxBatch: 250 },
    async (rows) => {
      // A member's repeated view in one batch: only the first can be new.
      const key = (r: { post_id: string; account_id: string }) => `${r.post_id} ${r.account_id}`
      const distinct = [...new Map(rows.map((r) => [key(r), r])).values()]
      const inserted = new Set((await insertViews(db, distinct)).map(key))
      return rows.map((r) => {
        const first = inserted.delete(key(r))
        return { ok: true, value: first }
      })
    },
    (row) => insertView(db, row.post_id, row.account_id, row.viewed_at),
    logger,
  )
  const writeView = (row: ViewRow) =>
    batchWindowMs > 0 ? views.submit(row) : insertView(db, row.post_id, row.account_id, row.viewed_at)
  const filter = new AnonymousViewFilter()
  /** Per post: anonymous views not yet written, with the channel to mark. */
  let pending = new Map<string, { channelId: string; views: number }>()
  let flushing: Promise<void> | undefined

  async function flush(): Promise<void> {
    const batch = pending
    pending = new Map()
    for (const [postId, { channelId, views }] of batch) {
      try {
        await addAnonymousViews(db, postId, views)
        marker.mark(channelId, postId)
      } catch (error) {
        logger.warn({ err: error, postId }, 'anonymous views lost')
      }
    }
  }

  const timer = setInterval(() => {
    if (pending.size === 0 || flushing) return
    flushing = flush().finally(() => {
      flushing = undefined
    })
  }, ANONYMOUS_FLUSH_MS)
  timer.unref()

  /**
   * Counts a view of a published post by `viewerId` (null: anonymous). `visitorKey` identifies a
   * non-member's client for the day (the route passes address + user agent); it is never stored.
   */
  async function record(
    viewerId: string | null,
    visitorKey: string,
    slug: string,
    postId: string,
  ): Promise<void> {
    const { access, post } = await requireTarget(db, slug, viewerId, postId)
    if (post.status !== 'published') return
    const channelId = access.channel.id
    if (access.membership && viewerId) {
      if (await writeView({ post_id: post.id, account_id: viewerId, viewed_at: clock.now() })) {
        marker.mark(channelId, post.id)
      }
      return
    }
    if (access.channel.visibility === 'private') return
    const key = viewerId === null ? `anon:${visitorKey}` : `account:${viewerId}`
    if (!filter.firstToday(post.id, key, clock.now())) return
    const entry = pending.get(post.id)
    if (entry) entry.views++
    else pending.set(post.id, { channelId, views: 1 })
  }

  return {
    record,
    async flushAnonymous(): Promise<void> {
      await flushing
      await flush()
    },
    async close(): Promise<void> {
      clearInterval(timer)
      await flushing
      await flush()
    },
  }
}
