import { createHash } from 'node:crypto'
import { isOpenToAnyone, loadChannelAccess } from '../channels/index.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import { fail } from '../errors.js'
import type { Language } from '../i18n/index.js'
import { pageText } from '../pages/text.js'
import { digestPosts, digestUrl, listDigests, rangeLabel } from '../production/index.js'
import { channelVersion, originOf, type ReadDeps, readChannelPosts } from '../reads/index.js'
import { VersionCache } from '../util/version-cache.js'
import { digestItem, type FeedModel, feedModel, postItem } from './feed-model.js'
import { createOEmbedService, type OEmbedService } from './oembed.js'
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

/** Feeds (RSS, Atom, JSON Feed) and oEmbed. */
export interface SyndicationService {
  /**
   * A public or unlisted channel's feed (`channel-not-found` otherwise): latest posts and digests,
   * newest first, cached per channel version.
   */
  feed(slug: string, format: FeedFormat, language: Language): Promise<RenderedFeed>
  /**
   * The oEmbed answer for a post page of this server, with its ETag (`oembed-format`,
   * `oembed-not-found`).
   */
  oembed: OEmbedService
}

export function createSyndicationService(deps: ReadDeps): SyndicationService {
  const origin = () => originOf(deps.publicUrl())

  async function feedChannel(slug: string): Promise<ChannelRow> {
    const access = deps.hotChannels
      ? await deps.hotChannels.anonymousAccess(slug)
      : await loadChannelAccess(deps.db, slug, null)
    if (!access || !isOpenToAnyone(access.channel)) fail('channel-not-found', `No channel "${slug}".`)
    return access.channel
  }

  const cache = new VersionCache<CachedFeed>({ clock: deps.clock })
  // Digests change without an event, so a channel's list is read on every request (one indexed,
  // bounded query): a digest created, edited or deleted shows in the next feed, as its creator expects.
  function digestsOf(channel: ChannelRow): Promise<DigestRow[]> {
    return listDigests(deps.db, channel.id, FEED_DIGESTS)
  }

  /** Builds the feed model: the latest posts and digests (each digest's selection included). */
  async function buildModel(
    channel: ChannelRow,
    digests: DigestRow[],
    language: Language,
  ): Promise<FeedModel> {
    const text = pageText(language)
    const [{ posts }, lastEventAt] = await Promise.all([
      readChannelPosts(deps, channel, { limit: FEED_POSTS, language }),
      lastEventTime(channel),
    ])
    const digestItems = await Promise.all(
      digests.map(async (d) =>
        digestItem(text, {
          id: d.id,
          url: digestUrl(deps.publicUrl(), channel.slug, d.id),
          title: d.title,
          intro: d.intro,
          rangeLabel: rangeLabel(d, language),
          createdAt: d.created_at,
          updatedAt: d.updated_at,
          posts: await digestPosts(deps, channel, d, language),
        }),
      ),
    )
    const items = [...posts.map((p) => postItem(text, p)), ...digestItems]
    const model = feedModel(text, origin(), channel, items)
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
   * model is cached per channel (util/version-cache.ts: valid while the channel's event-log position, the
   * channel row and its digests are unchanged, for at most 60 s); each format's body and ETag are
   * made once per model. Access is checked on every request, before the cache. One model per
   * language (Accept-Language; feed readers rarely send it, so mostly English).
   */
  async function feed(slug: string, format: FeedFormat, language: Language): Promise<RenderedFeed> {
    const channel = await feedChannel(slug)
    const digests = await digestsOf(channel)
    const key = `${channel.id}|${language}`
    const cached = await cache.get(key, feedVersion(channel, digests), async () => ({
      model: await buildModel(channel, digests, language),
      rendered: {},
    }))
    cached.rendered[format] ??= renderFeed(cached.model, format, channel.visibility === 'public')
    return cached.rendered[format]
  }

  return { feed, oembed: createOEmbedService(deps) }
}
