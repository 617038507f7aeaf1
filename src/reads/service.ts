import { type ChannelAccess, readableChannel } from '../channels/index.js'
import { feedCursor, feedStatuses, type PostViewData, requireVisiblePost } from '../posts/index.js'
import { VersionCache } from '../util/version-cache.js'
import { presentViews, type ReadDeps, readSkeletonPage } from './pipeline.js'
import { channelVersion } from './version-cache.js'

export interface FeedPage {
  items: PostViewData[]
  nextCursor: string | null
}

export interface FeedOptions {
  limit: number
  cursor?: string
  pinned?: boolean
}

/**
 * How long anonymous readers may share a built page of posts when nothing happened in the channel
 * (issue 14 item 6): long enough that a reader in a loop costs one channel read and a cache hit,
 * short enough that reactions and votes, which change without an event, are at most this old.
 * Any event (publish, edit, delete, pin, release, poll close) makes a new version at once.
 */
export const ANONYMOUS_PAGE_TTL_MS = 5_000
const ANONYMOUS_PAGES_MAX = 200
/** Single posts anonymous readers share (a post's view is a few KB): the hot ones. */
const ANONYMOUS_POSTS_MAX = 500

/**
 * The API's reads of posts, through the read pipeline (pipeline.ts): one post and a page of a
 * channel's feed, as the viewer (null: anonymous) sees them. Access to the channel (private
 * channels, bans) is checked first; which posts a viewer may read is posts' visibility rule.
 */
export interface ReadService {
  /**
   * One post, if the viewer may read the channel (`channel-not-found`, `banned`) and the post
   * (`post-not-found`).
   */
  post(viewerId: string | null, slug: string, postId: string): Promise<PostViewData>
  /**
   * A page of the channel's feed, newest first by (publishedAt, id), keyset-paged; anonymous
   * readers share one build per page.
   */
  feed(viewerId: string | null, slug: string, options: FeedOptions): Promise<FeedPage>
}

export function createReadService(deps: ReadDeps): ReadService {
  const { db, clock } = deps
  const anonymousPages = new VersionCache<FeedPage>({
    clock,
    ttlMs: ANONYMOUS_PAGE_TTL_MS,
    max: ANONYMOUS_PAGES_MAX,
  })

  const anonymousPosts = new VersionCache<PostViewData>({
    clock,
    ttlMs: ANONYMOUS_PAGE_TTL_MS,
    max: ANONYMOUS_POSTS_MAX,
  })

  /**
   * Which posts a viewer may see: posts/visibility.ts. With hot reads on, anonymous readers of a
   * public or unlisted channel share one build per post and channel position (issue 21 part 2): a
   * new event, the post's edit or deletion included, is a new version, so none is served stale;
   * counts are at most ANONYMOUS_PAGE_TTL_MS old, as in the feed.
   */
  async function post(viewerId: string | null, slug: string, postId: string): Promise<PostViewData> {
    const access = await readableChannel(db, deps.hotChannels, slug, viewerId)
    if (!deps.hotChannels || viewerId !== null || access.channel.visibility === 'private') {
      return postFor(access, postId)
    }
    const key = `${access.channel.id}|${postId}`
    return anonymousPosts.get(key, channelVersion(access.channel), () => postFor(access, postId))
  }

  async function postFor(access: ChannelAccess, postId: string): Promise<PostViewData> {
    const record = await requireVisiblePost(db, access, postId)
    const [view] = await presentViews(deps, access, [record])
    return view!
  }

  /**
   * A page of the channel's feed, newest first by (publishedAt, id). Keyset paging: walking the
   * cursors sees every post that existed when paging began exactly once, even as new posts arrive.
   * Anonymous readers of a public or unlisted channel share one build per page (see
   * ANONYMOUS_PAGE_TTL_MS); a signed-in reader's page, which carries their own reactions and votes,
   * is always read for them.
   */
  async function feed(viewerId: string | null, slug: string, options: FeedOptions): Promise<FeedPage> {
    const access = await readableChannel(db, deps.hotChannels, slug, viewerId)
    if (viewerId !== null || access.channel.visibility === 'private') return feedFor(access, options)
    const key = `${access.channel.id}|${options.limit}|${options.cursor ?? ''}|${options.pinned === true}`
    return anonymousPages.get(key, channelVersion(access.channel), () => feedFor(access, options))
  }

  async function feedFor(access: ChannelAccess, options: FeedOptions): Promise<FeedPage> {
    const page = await readSkeletonPage(db, {
      channelId: access.channel.id,
      statuses: feedStatuses(access),
      pinnedOnly: options.pinned === true,
      before: feedCursor.decodeOptional(options.cursor),
      limit: options.limit,
    })
    const items = await presentViews(deps, access, page.records)
    return { items, nextCursor: page.nextCursor }
  }

  return { post, feed }
}
