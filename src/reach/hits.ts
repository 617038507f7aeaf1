/**
 * A counted request, as the surfaces describe it (issue 19 part 5). Only these fields ever leave the
 * request: a post id or a channel slug, the embedding site's origin, the feed's format and the
 * reader's family. The client's address and User-Agent are passed beside a hit (`ReachClient`),
 * used for the day's visitor hash and bot test, and dropped.
 */
export type ReachHit =
  | { surface: 'channel-page'; slug: string }
  | { surface: 'page'; postId: string }
  | { surface: 'embed'; postId: string; origin: string }
  | { surface: 'feed'; slug: string; format: string }
  | { surface: 'oembed'; postId: string }

export interface ReachClient {
  address: string
  userAgent: string | undefined
}

/** What a route's `reach` option reads from its request: the parts Fastify has validated. */
export interface ReachRequest {
  params: unknown
  query: unknown
  headers: { referer?: string | undefined }
}

/** Reads the hit of a request that was answered 200 or 304; null when there is nothing to count. */
export type ReachSource = (req: ReachRequest) => ReachHit | null

/** Without a Referer (a direct open, or a site whose Referrer-Policy is no-referrer). */
export const DIRECT = 'direct'
/** A Referer that is not an http(s) URL, or an origin too long to be a real site's. */
export const OTHER = 'other'
const ORIGIN_MAX = 200

/**
 * The embedding site's origin from an embed request's Referer: scheme, host and port only. The path
 * (which article, whose profile) is never kept, not even in memory past this function.
 */
export function embedOrigin(referer: string | undefined): string {
  if (!referer) return DIRECT
  let url: URL
  try {
    url = new URL(referer)
  } catch {
    return OTHER
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return OTHER
  return url.origin.length > ORIGIN_MAX ? OTHER : url.origin
}

const param = (req: ReachRequest, name: string): string | null => {
  const value = (req.params as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value : null
}

/** The `reach` option of each counted public route. */
export const reachOf = {
  channelPage: ((req) => {
    const slug = param(req, 'slug')
    return slug === null ? null : { surface: 'channel-page', slug }
  }) satisfies ReachSource,
  postPage: ((req) => {
    const postId = param(req, 'id')
    return postId === null ? null : { surface: 'page', postId }
  }) satisfies ReachSource,
  embed: ((req) => {
    const postId = param(req, 'id')
    return postId === null ? null : { surface: 'embed', postId, origin: embedOrigin(req.headers.referer) }
  }) satisfies ReachSource,
  feed:
    (format: string): ReachSource =>
    (req) => {
      const slug = param(req, 'slug')
      return slug === null ? null : { surface: 'feed', slug, format }
    },
}
