import { type Static, Type } from '@sinclair/typebox'
import { isOpenToAnyone, loadChannelAccess } from '../channels/index.js'
import type { ChannelRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { strongEtag } from '../http/conditional.js'
import { DEFAULT_LANGUAGE, type Language } from '../i18n/index.js'
import { escapeHtml as x } from '../pages/html.js'
import { cardImage, channelLinks } from '../pages/templates.js'
import { channelVersion, originOf, type PublicPost, type ReadDeps, readPosts } from '../reads/index.js'
import { VersionCache } from '../util/version-cache.js'

export const OEmbedQuery = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  maxwidth: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  maxheight: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  format: Type.Optional(Type.String({ maxLength: 10 })),
})
export type OEmbedQueryInput = Static<typeof OEmbedQuery>

export const OEmbedResponse = Type.Object({
  version: Type.Literal('1.0'),
  type: Type.Union([Type.Literal('rich'), Type.Literal('video')], {
    description: '`video` when the post opens with a video that is not a spoiler (issue 20)',
  }),
  title: Type.String(),
  author_name: Type.String(),
  author_url: Type.String(),
  provider_name: Type.String(),
  provider_url: Type.String(),
  cache_age: Type.Integer(),
  html: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  thumbnail_url: Type.Optional(Type.String()),
  thumbnail_width: Type.Optional(Type.Integer()),
  thumbnail_height: Type.Optional(Type.Integer()),
})
export type OEmbedResponseData = Static<typeof OEmbedResponse>

const DEFAULT_WIDTH = 550
/**
 * What a link preview card adds to the embed (src/pages/assets.ts `.link-card`: an 88 px image,
 * padding and margins). The embed page shows the card of a post whose text it shows; the read
 * rules leave `linkPreview` null for a hidden spoiler, and oEmbed never answers for an embargoed post.
 */
const LINK_CARD_HEIGHT = 124
export const POST_PATH = /^\/c\/([a-z0-9][a-z0-9-]{0,99})\/p\/([0-9A-HJKMNP-TV-Z]{26})(?:\/\d{1,2})?\/?$/

/** Loads the public view of one post of a channel (the pipeline's; the service may cache it). */
export type OEmbedPostLoader = (
  channel: ChannelRow,
  postId: string,
  language: Language,
) => Promise<PublicPost | undefined>

/** The pipeline's view of the post, or undefined when it is not public (absent, embargoed, deleted). */
export async function loadPublicPost(
  deps: ReadDeps,
  channel: ChannelRow,
  postId: string,
  language: Language = DEFAULT_LANGUAGE,
): Promise<PublicPost | undefined> {
  const [post] = await readPosts(deps, channel, [postId], { language })
  return post
}

/**
 * oEmbed (https://oembed.com) for post pages: type "rich", an iframe of /embed/p/{id} plus a small
 * script that sizes it. Only URLs of this server's own post pages, of posts that are public now
 * (published, in a public or unlisted channel); anything else is 404 as the spec asks.
 */
export async function oembed(
  deps: ReadDeps,
  query: OEmbedQueryInput,
  embedHostJs: string,
  loadPost: OEmbedPostLoader = (channel, postId, language) => loadPublicPost(deps, channel, postId, language),
  language: Language = DEFAULT_LANGUAGE,
) {
  if (query.format !== undefined && query.format !== 'json') {
    fail('oembed-format', 'Only format=json is offered.')
  }
  const origin = originOf(deps.publicUrl())
  let target: URL
  try {
    target = new URL(query.url)
  } catch {
    fail('oembed-not-found', 'The url is not a URL.')
  }
  const match = POST_PATH.exec(target.pathname)
  if (target.origin !== new URL(origin).origin || !match) {
    fail('oembed-not-found', 'Only post pages of this server can be embedded.')
  }
  const [, slug, postId] = match
  const access = deps.hotChannels
    ? await deps.hotChannels.anonymousAccess(slug!)
    : await loadChannelAccess(deps.db, slug!, null)
  if (!access || !isOpenToAnyone(access.channel)) fail('oembed-not-found', 'No such post.')
  const post = await loadPost(access.channel, postId!, language)
  if (!post) fail('oembed-not-found', 'No such post.')
  return toOEmbed(origin, access.channel, post, query, embedHostJs, language)
}

function toOEmbed(
  origin: string,
  channel: ChannelRow,
  post: PublicPost,
  query: OEmbedQueryInput,
  embedHostJs: string,
  language: Language,
): OEmbedResponseData {
  // Never wider than maxwidth (the spec's rule), never wider than the embed is designed for.
  const width = Math.min(query.maxwidth ?? DEFAULT_WIDTH, DEFAULT_WIDTH)
  const first = post.images[0]
  const imageHeight = first ? Math.round(((width - 40) * first.display.height) / first.display.width) : 0
  const textLines = Math.ceil((post.text.length || post.summary.length) / 60)
  let height =
    130 +
    imageHeight +
    textLines * 24 +
    (post.tagLabels.length > 0 ? 36 : 0) +
    (post.linkPreview ? LINK_CARD_HEIGHT : 0)
  if (query.maxheight !== undefined) height = Math.min(height, query.maxheight)
  const src = `${origin}/embed/p/${post.id}`
  const html =
    `<iframe src="${x(src)}" width="${width}" height="${height}" title="${x(post.title)}" ` +
    `data-backlot-post="${x(post.id)}" style="border:0;max-width:100%" loading="lazy" ` +
    `sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe>` +
    `<script async src="${x(origin + embedHostJs)}"></script>`
  const thumb = cardImage(post, language)
  return {
    version: '1.0',
    type: first?.av?.kind === 'video' && !first.isSpoiler ? 'video' : 'rich',
    title: post.title,
    author_name: channel.title,
    author_url: channelLinks(origin, channel).page,
    provider_name: 'Backlot',
    provider_url: origin,
    cache_age: 3600,
    html,
    width,
    height,
    ...(thumb && {
      thumbnail_url: thumb.url,
      thumbnail_width: thumb.width,
      thumbnail_height: thumb.height,
    }),
  }
}

/** Posts whose public view oEmbed keeps per node (each a few KB). */
const OEMBED_CACHE_MAX = 500

/** The oEmbed answer for a URL (see `oembed`) with its strong ETag. */
export type OEmbedService = (
  query: OEmbedQueryInput,
  embedHostJs: string,
  language?: Language,
) => Promise<{ body: OEmbedResponseData; etag: string }>

/**
 * oEmbed answers with their ETag. The post's public view is kept per channel version
 * (util/version-cache.ts), so a consumer polling the endpoint costs the channel read and a cache
 * hit; a post that is not public is never kept (its 404 is worked out on each request, with two
 * indexed reads).
 */
export function createOEmbedService(deps: ReadDeps): OEmbedService {
  const posts = new VersionCache<PublicPost>({ clock: deps.clock, max: OEMBED_CACHE_MAX })
  const loadPost: OEmbedPostLoader = (channel, postId, language) =>
    posts.get(`${channel.id}|${postId}|${language}`, channelVersion(channel), async () => {
      return (
        (await loadPublicPost(deps, channel, postId, language)) ?? fail('oembed-not-found', 'No such post.')
      )
    })
  return async (query, embedHostJs, language = DEFAULT_LANGUAGE) => {
    const body = await oembed(deps, query, embedHostJs, loadPost, language)
    return { body, etag: strongEtag('public', JSON.stringify(body)) }
  }
}
