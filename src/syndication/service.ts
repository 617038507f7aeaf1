import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { loadChannelAccess } from '../channels/access.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { mediaVisibility } from '../media/access.js'
import { findFile, openFile } from '../media/files.js'
import { findMedia } from '../media/store.js'
import { digestPosts } from '../production/digest-select.js'
import { listDigests } from '../production/digest-store.js'
import { digestUrl, rangeLabel } from '../production/digests.js'
import type { PreviewService } from '../production/previews.js'
import { BLUR_NAME, ensureBlurs } from '../reads/blur.js'
import { originOf, presentPosts, type ReadDeps, readChannelPosts } from '../reads/pipeline.js'
import { postsByIds } from '../reads/store.js'
import { channelVersion } from '../reads/version-cache.js'
import { VersionCache } from '../util/version-cache.js'
import { digestItem, type FeedModel, feedModel, postItem } from './feed-model.js'
import { createOEmbedService } from './oembed.js'
import { toAtom, toJsonFeed, toRss } from './serializers.js'

export type FeedFormat = 'rss' | 'atom' | 'json'

export const feedContentTypes: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
}

export interface RenderedFeed {
  body: string
  contentType: string
  /** Strong ETag: SHA-256 of the body, so any visible change (a post, an edit, a lifted spoiler) changes it. */
  etag: string
  lastModified: number
  isIndexable: boolean
}

export interface ImageBytes {
  body: Readable
  size: number
  etag: string
  isPublic: boolean
}

const FEED_POSTS = 50
const FEED_DIGESTS = 10

interface CachedFeed {
  model: FeedModel
  rendered: Partial<Record<FeedFormat, RenderedFeed>>
}

/**
 * What a cached feed model depends on besides time: the channel's event-log position (every post
 * published, released from embargo, edited, deleted, pinned), the channel row, and the digest rows
 * (their text, range, chosen posts; one added or removed).
 */
export function feedVersion(channel: ChannelRow, digests: readonly DigestRow[]): string {
  const digestHash = createHash('sha256').update(JSON.stringify(digests)).digest('base64url')
  return `${channelVersion(channel)}|${digestHash}`
}

function renderFeed(model: FeedModel, format: FeedFormat, isIndexable: boolean): RenderedFeed {
  const body = format === 'rss' ? toRss(model) : format === 'atom' ? toAtom(model) : toJsonFeed(model)
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`
  return { body, contentType: feedContentTypes[format], etag, lastModified: model.updated, isIndexable }
}

/**
 * Feeds, and the image files public surfaces need beyond /media/…: the blurred renderings of
 * spoiler images (`/media/{id}/blur.jpg`) and the images of a post behind a press preview link.
 */
export function createSyndicationService(deps: ReadDeps & { previews: PreviewService }) {
  const origin = () => originOf(deps.publicUrl())

  async function feedChannel(slug: string): Promise<ChannelRow> {
    const access = await loadChannelAccess(deps.db, slug, null)
    if (!access || access.channel.visibility === 'private') fail('channel-not-found', `No channel "${slug}".`)
    return access.channel
  }

  const cache = new VersionCache<CachedFeed>({ clock: deps.clock })

  /** Builds the feed model: the latest posts and digests (each digest's selection included). */
  async function buildModel(channel: ChannelRow, digests: DigestRow[]): Promise<FeedModel> {
    const [{ posts }, lastEventAt] = await Promise.all([
      readChannelPosts(deps, channel, { limit: FEED_POSTS }),
      lastEventTime(channel),
    ])
    const digestItems = await Promise.all(
      digests.map(async (d) =>
        digestItem({
          id: d.id,
          url: digestUrl(deps.publicUrl(), channel.slug, d.id),
          title: d.title,
          intro: d.intro,
          rangeLabel: rangeLabel(d),
          createdAt: d.created_at,
          updatedAt: d.updated_at,
          posts: await digestPosts(deps, channel, d),
        }),
      ),
    )
    const model = feedModel(origin(), channel, [...posts.map(postItem), ...digestItems])
    model.items = model.items.slice(0, FEED_POSTS)
    // A deletion removes an item without adding a newer one: the event's time still moves
    // Last-Modified forward, so If-Modified-Since cannot answer 304 for a feed that lost a post.
    model.updated = Math.max(model.updated, lastEventAt)
    return model
  }

  async function lastEventTime(channel: ChannelRow): Promise<number> {
    const row = await deps.db
      .selectFrom('channel_event')
      .select('created_at')
      .where('channel_id', '=', channel.id)
      .where('seq', '=', channel.last_seq)
      .executeTakeFirst()
    return Number(row?.created_at ?? 0)
  }

  /**
   * A channel's feed (public and unlisted channels): latest posts and digests, newest first. The
   * model is cached per channel (reads/version-cache.ts: valid while the channel's event-log position, the
   * channel row and its digests are unchanged, for at most 60 s); each format's body and ETag are
   * made once per model. Access is checked on every request, before the cache.
   */
  async function feed(slug: string, format: FeedFormat): Promise<RenderedFeed> {
    const channel = await feedChannel(slug)
    const digests = await listDigests(deps.db, channel.id, FEED_DIGESTS)
    const cached = await cache.get(channel.id, feedVersion(channel, digests), async () => ({
      model: await buildModel(channel, digests),
      rendered: {},
    }))
    cached.rendered[format] ??= renderFeed(cached.model, format, channel.visibility === 'public')
    return cached.rendered[format]
  }

  async function streamBlur(media: { id: string; status: string; variants: string }): Promise<ImageBytes> {
    const blurs = await ensureBlurs(
      deps.db,
      deps.mediaStore,
      [{ mediaId: media.id, status: media.status, variants: media.variants }],
      deps.clock.now(),
    )
    const blur = blurs.get(media.id) ?? fail('media-not-found', `No media ${media.id}.`)
    const opened =
      (await deps.mediaStore.stream(blur.key)) ?? fail('media-not-found', `No media ${media.id}.`)
    return { ...opened, etag: `"${blur.key.slice(6, 70)}"`, isPublic: false }
  }

  /**
   * The blurred rendering of a media item, for whoever may see the media (the same rule as its
   * other files: nothing while its post is embargoed). Made on first request if missing.
   */
  async function blurFile(viewerId: string | null, mediaId: string): Promise<ImageBytes> {
    const media = (await findMedia(deps.db, mediaId)) ?? fail('media-not-found', `No media ${mediaId}.`)
    if (media.status !== 'ready') fail('media-not-found', `No media ${mediaId}.`)
    const visibility = await mediaVisibility(deps.db, media, viewerId)
    if (visibility === 'hidden') fail('media-not-found', `No media ${mediaId}.`)
    return { ...(await streamBlur(media)), isPublic: visibility === 'public' }
  }

  /**
   * An image of the post behind a press preview link: only the blurred rendering of a spoiler
   * image, the requested variant of any other. Another post's media, an expired link: 404.
   */
  async function previewFile(token: string, mediaId: string, fileName: string): Promise<ImageBytes> {
    const opened =
      (await deps.previews.open(token)) ?? fail('preview-not-found', 'This preview link is invalid.')
    const records = await postsByIds(deps.db, opened.channel.id, [opened.post.id])
    const [post] = await presentPosts(deps, opened.channel, records, { isPressPreview: true })
    const image = post?.images.find((i) => i.mediaId === mediaId) ?? fail('media-not-found', 'No such image.')
    const media = (await findMedia(deps.db, mediaId)) ?? fail('media-not-found', 'No such image.')
    if (fileName === `${BLUR_NAME}.jpg`) return streamBlur(media)
    if (image.isSpoiler) fail('media-not-found', 'No such image.')
    const ref = findFile(media, fileName) ?? fail('media-not-found', 'No such image.')
    const file = (await openFile(deps.mediaStore, ref)) ?? fail('media-not-found', 'No such image.')
    return { body: file.body, size: file.size, etag: file.etag, isPublic: false }
  }

  return { feed, blurFile, previewFile, oembed: createOEmbedService(deps) }
}

export type SyndicationService = ReturnType<typeof createSyndicationService>
