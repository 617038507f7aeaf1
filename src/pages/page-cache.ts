import type { ChannelAccess } from '../channels/index.js'
import { strongEtag } from '../http/conditional.js'
import type { Clock } from '../util/clock.js'
import { VersionCache } from '../util/version-cache.js'
import type { RenderedPage } from './render.js'

/** A rendered page with its validators (RFC 9110 §8.8). */
export interface ServedPage extends RenderedPage {
  /** Strong: a hash of the bytes and of who they are for (see `viewerKey`). */
  etag: string
  /** When these bytes were first rendered; null for pages rendered per request. */
  lastModified: number | null
}

/**
 * Rendered pages kept per node: at most this many (a channel page with 20 posts is ~40 KB, so the
 * cache stays under ~20 MB), each for at most 60 s and only while its channel version holds.
 */
export const PAGE_CACHE_MAX = 500

/**
 * Who a rendering is for, as far as its validators go: every reader allowed to see a public or
 * unlisted channel gets the same bytes (`public`); a private channel's page, a revealed spoiler or a
 * press preview is personal, so its ETag carries the viewer and never validates another's copy.
 */
function viewerKey(page: RenderedPage, viewer: string): string {
  return page.isCacheable ? 'public' : viewer
}

export function withValidators(page: RenderedPage, viewer: string): ServedPage {
  return { ...page, etag: strongEtag(viewerKey(page, viewer), page.html), lastModified: null }
}

/**
 * The cached renderings of public pages for **anonymous** readers of public and unlisted channels
 * (issue 14 item 6): a reader in a loop costs the channel read that checks access (which also gives
 * the version) and a cache hit. A signed-in reader is always rendered for, and what is rendered for
 * them is never stored: their view may one day be personal, and the anonymous key must never hand
 * it to anyone else. Access is checked before the cache on every request, so a ban, a removal or a
 * channel turning private applies to the very next request.
 */
export interface PageCache {
  /**
   * The page for `access`'s reader: from the cache for anonymous readers of a public or unlisted
   * channel, else rendered for them.
   */
  serve(
    access: ChannelAccess,
    key: string,
    version: string,
    render: () => Promise<RenderedPage>,
  ): Promise<ServedPage>
}

export function createPageCache(clock: Clock): PageCache {
  const cache = new VersionCache<ServedPage>({ clock, max: PAGE_CACHE_MAX })

  /**
   * `key` names the page within its channel (route and parameters: whatever changes the bytes);
   * `version` what it shows. What is kept here is the same for every anonymous reader, whether or
   * not shared HTTP caches may keep it too (`isCacheable`: the island's fragments may not).
   */
  async function serve(
    access: ChannelAccess,
    key: string,
    version: string,
    render: () => Promise<RenderedPage>,
  ): Promise<ServedPage> {
    const isShared = access.accountId === null && access.channel.visibility !== 'private'
    if (!isShared) return withValidators(await render(), access.accountId ?? 'anonymous')
    return cache.get(`${access.channel.id}|${key}`, version, async (previous) => {
      const served = withValidators(await render(), 'anonymous')
      return { ...served, lastModified: lastModifiedAfter(await previous?.catch(() => undefined), served) }
    })
  }

  /**
   * Unchanged bytes keep their Last-Modified (a rebuild after the TTL is not a modification); new
   * bytes move it to now, and at least one second past the old value, because If-Modified-Since
   * compares whole seconds and must not call a change in the same second "not modified".
   */
  function lastModifiedAfter(previous: ServedPage | undefined, next: ServedPage): number {
    const now = clock.now()
    if (!previous?.lastModified) return now
    if (previous.etag === next.etag) return previous.lastModified
    return Math.max(now, previous.lastModified + 1000)
  }

  return { serve }
}
