import { loadAvatarView } from '../channels/index.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { feedCursor } from '../posts/index.js'
import { digestPosts, digestUrl, type OpenedPreview, rangeLabel, type Timeline } from '../production/index.js'
import {
  originOf,
  type PublicPost,
  presentPosts,
  type ReadDeps,
  readChannelPosts,
  readPosts,
} from '../reads/index.js'
import type { PageAssets } from './assets.js'
import { postCard } from './components.js'
import { readPageCounts } from './counts.js'
import { html } from './html.js'
import { document, linkHeader, type PageMeta } from './layout.js'
import {
  cardImage,
  channelBody,
  channelLinks,
  digestBody,
  embedBody,
  imageBody,
  type LivePage,
  postArticle,
  postBody,
  previewBody,
  productionLine,
  timelineBody,
} from './templates.js'

/** A rendered page and how it may be served. */
export interface RenderedPage {
  html: string
  /** Search engines may index it (public channel, no reveal, no preview). */
  isIndexable: boolean
  /** Shared caches may keep it (public or unlisted channel, nothing viewer-specific). */
  isCacheable: boolean
  link: string | null
  /** Only the embed may be framed by other sites. */
  isFrameable?: boolean
}

export interface RenderDeps extends ReadDeps {
  assets: () => PageAssets
  /** The event log's epoch: a page resumes the live stream at its position in this history. */
  streamEpoch: string
  /** The channel's production timeline (cached per channel version: createTimelineReader). */
  timeline: (channel: ChannelRow) => Promise<Timeline>
}

const PAGE_SIZE = 20

/**
 * The public pages' rendering (issue 4): channel, post, image permalink, timeline, digest, press
 * preview, embed and the island's fragments. The caller (service.ts) has checked access and hands
 * over the channel row it read; content always comes through the read pipeline
 * (reads/pipeline.ts), so nothing here depends on who asked. Every page reads a bounded number of
 * rows: a page of 20 posts, one post, a digest's ≤ 50 posts, 20 fragments, or the timeline's
 * aggregate (production/timeline.ts).
 */
export function createPageRenderer(deps: RenderDeps) {
  const origin = () => originOf(deps.publicUrl())

  function baseMeta(channel: ChannelRow, canonical: string, title: string, description: string): PageMeta {
    const links = channelLinks(origin(), channel)
    return {
      title,
      description,
      canonical,
      isIndexable: channel.visibility === 'public',
      siteName: channel.title,
      ogType: 'website',
      image: null,
      feeds: channel.visibility === 'private' ? null : { ...links, title: channel.title },
      oembed: null,
    }
  }

  function render(
    meta: PageMeta,
    channel: ChannelRow,
    body: Parameters<typeof document>[2],
    options: { isLive?: boolean } = {},
  ): RenderedPage {
    // The island is an enhancement: without a web build (no island file) the page is complete.
    const island = options.isLive ? deps.assets().island : null
    return {
      html: document(meta, deps.assets(), body, island ? { scripts: [island.path] } : {}),
      isIndexable: meta.isIndexable,
      isCacheable: channel.visibility !== 'private',
      link: linkHeader(meta),
    }
  }

  function oembedUrl(url: string): string {
    return `${origin()}/oembed?format=json&url=${encodeURIComponent(url)}`
  }

  async function onePost(channel: ChannelRow, postId: string, reveal: boolean): Promise<PublicPost> {
    const [post] = await readPosts(deps, channel, [postId], { reveal })
    return post ?? fail('post-not-found', `No post "${postId}" in "${channel.slug}".`)
  }

  const countsOf = (channel: ChannelRow, posts: readonly PublicPost[]) =>
    readPageCounts(
      deps.db,
      channel,
      posts.map((p) => p.id),
      deps.clock.now(),
    )

  /**
   * The channel page. The channel row (and with it `last_seq`, rendered for the island) is read
   * before the posts: an event after that position may already be on the page, never missing from
   * both — the island drops what it already shows.
   */
  async function channelPage(channel: ChannelRow, before?: string): Promise<RenderedPage> {
    const key = before ? feedCursor.decode(before) : null
    const page = await readChannelPosts(deps, channel, { limit: PAGE_SIZE, before: key })
    const counts = await countsOf(channel, page.posts)
    const links = channelLinks(origin(), channel)
    const older = page.nextCursor ? `${links.page}?before=${page.nextCursor}` : null
    const description = channel.description || productionLine(channel) || `Updates from ${channel.title}`
    const meta = baseMeta(channel, links.page, channel.title, description)
    const avatar = await loadAvatarView(deps.db, channel.id, deps.publicUrl())
    // The share card shows the channel's avatar, as a shared Telegram or Instagram channel does;
    // without one, the newest post image (already blurred if it is a spoiler).
    const avatarImage = avatar
      ? {
          url: avatar.url,
          width: avatar.width,
          height: avatar.height,
          alt: channel.title,
          type: `image/${avatar.variants.find((v) => v.url === avatar.url)?.format ?? 'jpeg'}`,
        }
      : null
    const firstImage = page.posts.map(cardImage).find((i) => i !== null) ?? null
    const live: LivePage = {
      view: 'channel',
      epoch: deps.streamEpoch,
      seq: channel.last_seq,
      isOlder: key !== null,
    }
    const body = channelBody(origin(), channel, page.posts, older, live, counts, avatar)
    return render({ ...meta, image: avatarImage ?? firstImage }, channel, body, { isLive: true })
  }

  /**
   * Posts of a channel as HTML fragments for the island (web/src/island/live.ts): new posts behind
   * the "new posts" pill, and a post again after an edit or a closed poll. The same pipeline and
   * templates as the pages, so spoiler and embargo rules cannot differ; requested order kept; posts
   * the viewer may not see (deleted, embargoed, another channel's) are simply absent.
   */
  async function fragments(
    channel: ChannelRow,
    ids: readonly string[],
    view: 'card' | 'post',
  ): Promise<RenderedPage> {
    const posts = await readPosts(deps, channel, ids)
    const counts = await countsOf(channel, posts)
    const parts = posts.map((p) =>
      view === 'card'
        ? postCard(p, counts.get(p.id))
        : postArticle(origin(), channel, p, false, counts.get(p.id)),
    )
    return { html: html`${parts}`.value, isIndexable: false, isCacheable: false, link: null }
  }

  /** A post page; a revealed spoiler is for the reader who asked, never for search engines or caches. */
  async function postPage(channel: ChannelRow, postId: string, reveal: boolean): Promise<RenderedPage> {
    const post = await onePost(channel, postId, reveal)
    const meta: PageMeta = {
      ...baseMeta(channel, post.url, `${post.title} — ${channel.title}`, post.summary),
      ogType: 'article',
      image: cardImage(post),
      publishedAt: post.publishedAt,
      oembed: channel.visibility === 'private' ? null : oembedUrl(post.url),
    }
    if (reveal) meta.isIndexable = false
    const [counts] = (await countsOf(channel, [post])).values()
    const live: LivePage = { view: 'post', epoch: deps.streamEpoch, seq: channel.last_seq }
    const page = render(meta, channel, postBody(origin(), channel, post, reveal, live, counts), {
      isLive: true,
    })
    return reveal ? { ...page, isCacheable: false } : page
  }

  async function imagePage(channel: ChannelRow, postId: string, n: number, reveal: boolean) {
    const post = await onePost(channel, postId, reveal)
    const image = post.images[n - 1] ?? fail('media-not-found', `Post "${postId}" has no image ${n}.`)
    const title = `Photo ${n} of ${post.images.length} — ${post.title}`
    const meta: PageMeta = {
      ...baseMeta(
        channel,
        `${post.url}/${n}`,
        title,
        image.isSpoiler ? (post.spoilerNote ?? 'Spoiler') : image.alt,
      ),
      ogType: 'article',
      image: cardImage({ ...post, images: [image] }),
      oembed: channel.visibility === 'private' ? null : oembedUrl(post.url),
    }
    if (reveal) meta.isIndexable = false
    const live: LivePage = { view: 'image', epoch: deps.streamEpoch, seq: channel.last_seq }
    const page = render(meta, channel, imageBody(origin(), channel, post, image, reveal, live), {
      isLive: true,
    })
    return reveal ? { ...page, isCacheable: false } : page
  }

  async function timelinePage(channel: ChannelRow): Promise<RenderedPage> {
    const timeline = await deps.timeline(channel)
    const links = channelLinks(origin(), channel)
    const description = timeline.lastChapter?.label ?? `Production timeline of ${channel.title}`
    const meta = baseMeta(channel, links.timeline, `Production timeline — ${channel.title}`, description)
    const cover = timeline.weeks.find((w) => w.cover)?.cover
    if (cover)
      meta.image = {
        ...cover,
        alt: cover.isSpoiler ? 'Spoiler (blurred image)' : cover.alt,
        type: 'image/jpeg',
      }
    const live: LivePage = { view: 'timeline', epoch: deps.streamEpoch, seq: channel.last_seq }
    return render(meta, channel, timelineBody(origin(), channel, timeline, live), { isLive: true })
  }

  async function digestPage(channel: ChannelRow, digest: DigestRow): Promise<RenderedPage> {
    const posts = await digestPosts(deps, channel, digest)
    const label = rangeLabel(digest)
    const url = digestUrl(deps.publicUrl(), channel.slug, digest.id)
    const meta = baseMeta(channel, url, `${digest.title} — ${channel.title}`, digest.intro || label)
    meta.image = posts.map(cardImage).find((i) => i !== null) ?? null
    return render(meta, channel, digestBody(origin(), channel, { ...digest, rangeLabel: label }, posts))
  }

  /** A press preview: the embargoed post, banner, noindex, never cached. */
  async function previewPage(token: string, opened: OpenedPreview): Promise<RenderedPage> {
    const { channel, post: record } = opened
    const mediaUrl = (mediaId: string, file: string) => `${origin()}/preview/${token}/${mediaId}/${file}`
    const [post] = await presentPosts(deps, channel, [record], { isPressPreview: true, mediaUrl })
    const meta: PageMeta = {
      ...baseMeta(channel, post!.url, `EMBARGOED: ${post!.title}`, 'Press preview — embargoed'),
      isIndexable: false,
      feeds: null,
    }
    return {
      ...render(meta, channel, previewBody(origin(), channel, post!, record.status)),
      isCacheable: false,
    }
  }

  /** The embeddable view of a post (by id alone, as oEmbed hands it out). */
  async function embedPage(channel: ChannelRow, postId: string): Promise<RenderedPage> {
    const post = await onePost(channel, postId, false)
    const meta: PageMeta = {
      ...baseMeta(channel, post.url, post.title, post.summary),
      isIndexable: false,
      image: cardImage(post),
    }
    return {
      html: document(meta, deps.assets(), embedBody(origin(), channel, post), {
        bodyClass: 'embed',
        bodyData: post.id,
        scripts: [deps.assets().embedJs.path],
      }),
      isIndexable: false,
      isCacheable: true,
      link: null,
      isFrameable: true,
    }
  }

  return {
    channelPage,
    postPage,
    imagePage,
    timelinePage,
    digestPage,
    previewPage,
    embedPage,
    fragments,
  }
}

export type PageRenderer = ReturnType<typeof createPageRenderer>
