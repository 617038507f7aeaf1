import type { ChannelRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { originOf, type PublicPost, readPosts } from '../reads/index.js'
import { type PageCounts, readPageCounts } from './counts.js'
import type { SafeHtml } from './html.js'
import { document, linkHeader, type PageMeta } from './layout.js'
import type { RenderDeps, RenderedPage } from './render.js'
import { channelLinks } from './templates.js'
import type { PageText } from './text.js'

/** What every page of a channel is built with: its meta, its frame, its posts and their counts. */
export interface PageFrame {
  /** This server's origin, read at each use (with BACKLOT_PORT=0 it is known only once the server listens). */
  origin(): string
  /**
   * The meta a page of the channel starts from: indexable only for a public channel, feeds unless
   * private.
   */
  baseMeta(
    text: PageText,
    channel: ChannelRow,
    canonical: string,
    title: string,
    description: string,
  ): PageMeta
  /** The whole document around `body`; `isLive` adds the island (when the web build has one). */
  render(meta: PageMeta, channel: ChannelRow, body: SafeHtml, options?: { isLive?: boolean }): RenderedPage
  /** The oEmbed discovery URL of a post page. */
  oembedUrl(url: string): string
  /** One post through the read pipeline (labels in `text`'s language), or `post-not-found`. */
  onePost(text: PageText, channel: ChannelRow, postId: string, reveal: boolean): Promise<PublicPost>
  /** The public numbers shown beside the posts (counts.ts), counted as the live `counts` frames count. */
  countsOf(channel: ChannelRow, posts: readonly PublicPost[]): Promise<Map<string, PageCounts>>
}

export function createPageFrame(deps: RenderDeps): PageFrame {
  const origin = () => originOf(deps.publicUrl())

  function baseMeta(
    text: PageText,
    channel: ChannelRow,
    canonical: string,
    title: string,
    description: string,
  ): PageMeta {
    const links = channelLinks(origin(), channel)
    return {
      language: text.language,
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
    body: SafeHtml,
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

  async function onePost(
    text: PageText,
    channel: ChannelRow,
    postId: string,
    reveal: boolean,
  ): Promise<PublicPost> {
    const [post] = await readPosts(deps, channel, [postId], { reveal, language: text.language })
    return post ?? fail('post-not-found', `No post "${postId}" in "${channel.slug}".`)
  }

  const countsOf = (channel: ChannelRow, posts: readonly PublicPost[]) =>
    readPageCounts(
      deps.db,
      channel,
      posts.map((p) => p.id),
      deps.clock.now(),
    )

  return { origin, baseMeta, render, oembedUrl, onePost, countsOf }
}
