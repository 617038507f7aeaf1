import type { ChannelRow, DigestRow } from '../db/schema.js'
import type { Language } from '../i18n/index.js'
import type { OpenedPressKit, OpenedPreview, Timeline } from '../production/index.js'
import type { ReadDeps } from '../reads/index.js'
import type { PageAssets } from './assets.js'
import { createChannelPages } from './channel-pages.js'
import { createPageFrame } from './page-frame.js'
import { createPostPages } from './post-pages.js'

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
  /** The page has a form submitting to this server (the directory's search): CSP form-action 'self'. */
  hasSearchForm?: boolean
}

export interface RenderDeps extends ReadDeps {
  assets: () => PageAssets
  /** The event log's epoch: a page resumes the live stream at its position in this history. */
  streamEpoch: string
  /** The channel's production timeline in a language (cached per channel version: createTimelineReader). */
  timeline: (channel: ChannelRow, language: Language) => Promise<Timeline>
}

/**
 * The public pages' rendering (issue 4): channel, post, image permalink, timeline, digest, press
 * preview, embed and the island's fragments. The caller (service.ts) has checked access and hands
 * over the channel row it read; content always comes through the read pipeline
 * (reads/pipeline.ts), so nothing here depends on who asked. Every page reads a bounded number of
 * rows: a page of 20 posts, one post, a digest's ≤ 50 posts, 20 fragments, or the timeline's
 * aggregate (production/timeline.ts). The pages are built in channel-pages.ts and post-pages.ts,
 * on the frame of page-frame.ts. Each is rendered in the `language` the caller negotiated (its
 * fixed words from the `pages` catalog: text.ts); what the posts say is never translated.
 */
export interface PageRenderer {
  /** The channel page: a page of 20 posts before the `before` cursor, with the island's stream position. */
  channelPage(language: Language, channel: ChannelRow, before?: string): Promise<RenderedPage>
  /** A post page (`post-not-found`); a revealed spoiler is neither indexable nor cacheable. */
  postPage(language: Language, channel: ChannelRow, postId: string, reveal: boolean): Promise<RenderedPage>
  /** The permalink of a post's image `n` (`post-not-found`, `media-not-found`). */
  imagePage(
    language: Language,
    channel: ChannelRow,
    postId: string,
    n: number,
    reveal: boolean,
  ): Promise<RenderedPage>
  /** The production timeline page. */
  timelinePage(language: Language, channel: ChannelRow): Promise<RenderedPage>
  /** A digest's page with its posts. */
  digestPage(language: Language, channel: ChannelRow, digest: DigestRow): Promise<RenderedPage>
  /** A press preview: the embargoed post with its banner, noindex, never cached. */
  previewPage(language: Language, token: string, opened: OpenedPreview): Promise<RenderedPage>
  /** A press kit: its post's images, captions, credits, rights, embargo and contact; noindex, never cached. */
  pressKitPage(language: Language, token: string, opened: OpenedPressKit): Promise<RenderedPage>
  /** The embeddable view of a post: the one page other sites may frame. */
  embedPage(language: Language, channel: ChannelRow, postId: string): Promise<RenderedPage>
  /** Posts as HTML fragments for the island, in the order asked; posts the reader may not see are absent. */
  fragments(
    language: Language,
    channel: ChannelRow,
    ids: readonly string[],
    view: 'card' | 'post',
  ): Promise<RenderedPage>
}

export function createPageRenderer(deps: RenderDeps): PageRenderer {
  const frame = createPageFrame(deps)
  return { ...createChannelPages(deps, frame), ...createPostPages(deps, frame) }
}
