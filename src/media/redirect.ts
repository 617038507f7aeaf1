import type { MediaDelivery } from '../config/config.js'
import { canSignUrls, type MediaStore } from '../media-store/media-store.js'
import type { Clock } from '../util/clock.js'
import { contentTypeOf } from './files.js'
import type { LocatedFile } from './locate.js'

/**
 * How long a browser or shared cache may keep a public media file without asking again. Files are
 * content-addressed and never change, but a deleted post's files must stop being shown (issue 14):
 * the node answers 404 at once, and a cache that already holds a file asks again within this
 * time (cheaply: the ETag answers 304 while the file is still there). The same bound as public
 * pages (`max-age=60`).
 */
export const PUBLIC_MEDIA_MAX_AGE_SECONDS = 60

/** Cache-Control of a media file's bytes: the same whether the node or the store sends them. */
export function fileCacheControl(isPublic: boolean): string {
  return isPublic ? `public, max-age=${PUBLIC_MEDIA_MAX_AGE_SECONDS}` : 'private, no-store'
}

export interface MediaRedirect {
  location: string
  /** For the 302 itself. */
  cacheControl: string
}

/**
 * Redirects to signed store URLs (S3_MEDIA_DELIVERY=redirect) for files the caller has already
 * authorised with `locateFile`. With L the signature lifetime (S3_SIGNED_URL_SECONDS):
 *
 * - URLs are signed at the start of the current window of L/4, so all requests in a window get the
 *   same URL: browsers, and a CDN in front of the store (which keys on the whole URL), reuse the
 *   bytes they hold instead of seeing a new URL on every page view. A URL handed out is therefore
 *   valid for at least 3L/4.
 * - The 302 of a private file (private channel, unpublished post, unattached upload) is
 *   `private, max-age=L/4`: no shared cache keeps it, and a viewer who loses access stops getting
 *   the file as soon as the browser asks the node again. L/2 of margin remains for clock skew.
 * - The 302 of a public file (published post in a public or unlisted channel, which proxy mode
 *   serves `public, immutable`) is `public, max-age=L/2`. A CDN in front of the nodes may hand it
 *   to anyone, which is fine as anyone may see it; caches count the time they held it (`Age`)
 *   against max-age, so the last client follows it within L/2 of the node answering, while the URL
 *   has L/4 left: the margin for clock skew between nodes and store, and for slow clients.
 * - The store sends the bytes with the Cache-Control of proxy mode (`fileCacheControl`) whatever
 *   the object was stored with, the file's Content-Type and `Content-Disposition: inline`. These
 *   `response-*` overrides are signed, so a URL cannot be altered to serve the file as HTML.
 */
export function createMediaRedirects(deps: { store: MediaStore; clock: Clock; signedUrlSeconds: number }) {
  const { store, clock, signedUrlSeconds: lifetime } = deps
  if (!canSignUrls(store)) {
    throw new Error('S3_MEDIA_DELIVERY=redirect needs a media store that signs URLs (MEDIA_STORE=s3)')
  }
  const windowMs = Math.floor(lifetime / 4) * 1000
  return async function redirectTo(file: LocatedFile): Promise<MediaRedirect> {
    const now = clock.now()
    const location = await store.signedUrl(file.key, {
      expiresInSeconds: lifetime,
      signedAt: new Date(now - (now % windowMs)),
      contentType: contentTypeOf[file.format],
      contentDisposition: 'inline',
      cacheControl: fileCacheControl(file.isPublic),
    })
    const cacheControl = file.isPublic
      ? `public, max-age=${Math.floor(lifetime / 2)}`
      : `private, max-age=${Math.floor(lifetime / 4)}`
    return { location, cacheControl }
  }
}

/** Origins pages must allow in img-src for media to load: the store's, when media redirect there. */
export function mediaImageOrigins(delivery: MediaDelivery): string[] {
  return delivery.mode === 'redirect' ? [delivery.origin] : []
}
