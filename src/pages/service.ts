import { type ChannelAccess, isOpenToAnyone, readableChannel } from '../channels/index.js'
import { fail } from '../errors.js'
import type { Language } from '../i18n/index.js'
import { findDigest, type PressKitService, type PreviewService } from '../production/index.js'
import { channelVersion } from '../reads/index.js'
import type { DirectoryInput, SearchService } from '../search/index.js'
import { VersionCache } from '../util/version-cache.js'
import { renderDirectory } from './directory-page.js'
import { createPageCache, type ServedPage, withValidators } from './page-cache.js'
import { createPageRenderer, type RenderDeps } from './render.js'
import { channelLinks } from './templates.js'
import { pageText } from './text.js'

/** Directory pages kept per node (categories × sorts × languages × the first pages). */
const DIRECTORY_CACHE_MAX = 100

export type { ServedPage } from './page-cache.js'
export type { RenderedPage } from './render.js'

export interface PageDeps extends RenderDeps {
  previews: PreviewService
  /** The directory's listing (issue 19 part 2). */
  search: SearchService
  pressKits: PressKitService
}

/**
 * Server-rendered public pages (issue 4): who may see them and how they are served. Each page
 * first reads the channel with the viewer's access (one indexed row: the shared rule of
 * channels/access.ts, so a private channel is 404 to outsiders and a banned member gets the same
 * `403 banned` as from the API), then renders (render.ts) — for an anonymous reader of a public or
 * unlisted channel from the page cache (page-cache.ts), keyed by the page and its language and
 * versioned by the channel row it just read. Every page is rendered in the `language` the route
 * negotiated (http/language.ts): one cached copy per language, so an English rendering is never
 * served to a Spanish reader.
 */
export interface PageService {
  /** `/c/{slug}`: the channel's page of posts before `before`. */
  channelPage(language: Language, slug: string, viewerId: string | null, before?: string): Promise<ServedPage>
  /** `/c/{slug}/p/{id}`; a revealed spoiler is rendered for the reader who asked, never kept. */
  postPage(
    language: Language,
    slug: string,
    postId: string,
    viewerId: string | null,
    reveal: boolean,
  ): Promise<ServedPage>
  /** `/c/{slug}/p/{id}/{n}`, the permalink of a post's image; a reveal is never kept either. */
  imagePage(
    language: Language,
    slug: string,
    postId: string,
    n: number,
    viewerId: string | null,
    reveal: boolean,
  ): Promise<ServedPage>
  /** `/c/{slug}/timeline`. */
  timelinePage(language: Language, slug: string, viewerId: string | null): Promise<ServedPage>
  /** `/c/{slug}/digests/{id}` (`digest-not-found`), versioned by the digest's own row too. */
  digestPage(language: Language, slug: string, digestId: string, viewerId: string | null): Promise<ServedPage>
  /**
   * `/preview/{token}` (`preview-not-found`), never cached; once published, a redirect to the
   * post's page. Each request with a valid link counts as an open of it (issue 16).
   */
  previewPage(language: Language, token: string): Promise<ServedPage | { redirect: string }>
  /**
   * `/kit/{token}`, a press kit (`press-kit-not-found`), never cached; each request counts as an
   * open of its link (issue 19 part 3).
   */
  pressKitPage(language: Language, token: string): Promise<ServedPage>
  /**
   * `/embed/p/{id}`, by post id alone and anonymous by design; a private channel's post is
   * `post-not-found`.
   */
  embedPage(language: Language, postId: string): Promise<ServedPage>
  /** The island's HTML fragments of posts of a channel. */
  fragments(
    language: Language,
    slug: string,
    viewerId: string | null,
    ids: readonly string[],
    view: 'card' | 'post',
  ): Promise<ServedPage>
  /**
   * `/c/`, the public directory (issue 19 part 2): listed public channels only, whoever asks, so
   * one rendering per query and language serves everyone (the cache is versioned by
   * search/directory.ts `directoryVersion`). Pages with `q` are not kept: searches are many and
   * seldom repeated, and would push the rest out.
   */
  directoryPage(language: Language, input: DirectoryInput): Promise<ServedPage>
  /**
   * The channel as `viewerId` may read it (`channel-not-found`, `banned`): the rule every read of
   * the channel shares.
   */
  channelFor(slug: string, viewerId: string | null): Promise<ChannelAccess>
}

export function createPageService(deps: PageDeps): PageService {
  const renderer = createPageRenderer(deps)
  const pages = createPageCache(deps.clock)
  const directoryPages = new VersionCache<ServedPage>({ clock: deps.clock, max: DIRECTORY_CACHE_MAX })

  async function directoryPage(language: Language, input: DirectoryInput): Promise<ServedPage> {
    const q = input.q?.trim() || undefined
    const full = { ...input, q, sort: input.sort ?? 'members', page: input.page ?? 1 } as const
    const render = async () => {
      const listing = await deps.search.directory(full)
      return withValidators(
        renderDirectory(deps, pageText(language), { input: full, ...listing }),
        'anonymous',
      )
    }
    if (q !== undefined) return render()
    const key = `${language}|${full.category ?? ''}|${full.sort}|${full.page}`
    return directoryPages.get(key, await deps.search.directoryVersion(), render)
  }

  function channelFor(slug: string, viewerId: string | null): Promise<ChannelAccess> {
    // Anonymous readers: the process's hot channel rows when on (channels/hot-channels.ts).
    return readableChannel(deps.db, deps.hotChannels, slug, viewerId)
  }

  async function channelPage(
    language: Language,
    slug: string,
    viewerId: string | null,
    before?: string,
  ): Promise<ServedPage> {
    const access = await channelFor(slug, viewerId)
    return pages.serve(access, `${language}|channel|${before ?? ''}`, channelVersion(access.channel), () =>
      renderer.channelPage(language, access.channel, before),
    )
  }

  async function fragments(
    language: Language,
    slug: string,
    viewerId: string | null,
    ids: readonly string[],
    view: 'card' | 'post',
  ): Promise<ServedPage> {
    const access = await channelFor(slug, viewerId)
    const key = `${language}|fragments|${view}|${ids.join(',')}`
    return pages.serve(access, key, channelVersion(access.channel), () =>
      renderer.fragments(language, access.channel, ids, view),
    )
  }

  async function postPage(
    language: Language,
    slug: string,
    postId: string,
    viewerId: string | null,
    reveal: boolean,
  ): Promise<ServedPage> {
    const access = await channelFor(slug, viewerId)
    if (reveal)
      return withValidators(
        await renderer.postPage(language, access.channel, postId, true),
        viewerKey(access),
      )
    return pages.serve(access, `${language}|post|${postId}`, channelVersion(access.channel), () =>
      renderer.postPage(language, access.channel, postId, false),
    )
  }

  async function imagePage(
    language: Language,
    slug: string,
    postId: string,
    n: number,
    viewerId: string | null,
    reveal: boolean,
  ): Promise<ServedPage> {
    const access = await channelFor(slug, viewerId)
    if (reveal) {
      const page = await renderer.imagePage(language, access.channel, postId, n, true)
      return withValidators(page, viewerKey(access))
    }
    return pages.serve(access, `${language}|image|${postId}|${n}`, channelVersion(access.channel), () =>
      renderer.imagePage(language, access.channel, postId, n, false),
    )
  }

  async function timelinePage(
    language: Language,
    slug: string,
    viewerId: string | null,
  ): Promise<ServedPage> {
    const access = await channelFor(slug, viewerId)
    return pages.serve(access, `${language}|timeline`, channelVersion(access.channel), () =>
      renderer.timelinePage(language, access.channel),
    )
  }

  // A digest's page also changes with the digest's own row (edited, its posts chosen again).
  async function digestPage(
    language: Language,
    slug: string,
    digestId: string,
    viewerId: string | null,
  ): Promise<ServedPage> {
    const access = await channelFor(slug, viewerId)
    const digest =
      (await findDigest(deps.db, access.channel.id, digestId)) ?? fail('digest-not-found', 'No such digest.')
    const version = `${channelVersion(access.channel)}|${digest.updated_at}`
    return pages.serve(access, `${language}|digest|${digest.id}`, version, () =>
      renderer.digestPage(language, access.channel, digest),
    )
  }

  async function previewPage(language: Language, token: string): Promise<ServedPage | { redirect: string }> {
    const opened =
      (await deps.previews.visit(token)) ??
      fail('preview-not-found', 'This preview link is invalid, expired or revoked.')
    if (opened.post.status === 'published') {
      const origin = deps.publicUrl().href.replace(/\/$/, '')
      return { redirect: `${channelLinks(origin, opened.channel).page}/p/${opened.post.id}` }
    }
    const page = await renderer.previewPage(language, token, opened)
    return withValidators(page, `preview:${opened.preview.id}`)
  }

  async function pressKitPage(language: Language, token: string): Promise<ServedPage> {
    const opened = await deps.pressKits.visit(token, language)
    return withValidators(await renderer.pressKitPage(language, token, opened), `kit:${opened.kit.id}`)
  }

  async function embedPage(language: Language, postId: string): Promise<ServedPage> {
    const channel = await deps.db
      .selectFrom('post')
      .innerJoin('channel', 'channel.id', 'post.channel_id')
      .selectAll('channel')
      .where('post.id', '=', postId)
      .executeTakeFirst()
    if (!channel || !isOpenToAnyone(channel)) fail('post-not-found', `No post "${postId}".`)
    const access: ChannelAccess = { channel, accountId: null, membership: null, role: null, isBanned: false }
    return pages.serve(access, `${language}|embed|${postId}`, channelVersion(channel), () =>
      renderer.embedPage(language, channel, postId),
    )
  }

  return {
    channelPage,
    postPage,
    imagePage,
    timelinePage,
    digestPage,
    previewPage,
    pressKitPage,
    embedPage,
    fragments,
    directoryPage,
    channelFor,
  }
}

function viewerKey(access: ChannelAccess): string {
  return access.accountId ?? 'anonymous'
}
