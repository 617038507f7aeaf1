import type { Readable } from 'node:stream'
import type { ChannelRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { findFile, findMedia } from '../media/index.js'
import { mediaVisibility, type PostRecord } from '../posts/index.js'
import { BLUR_NAME, ensureBlurs } from './blur.js'
import { type ReadDeps, readPosts } from './pipeline.js'
import type { TracedImages } from './traced-images.js'

export interface ImageBytes {
  body: Readable
  size: number
  /** The file's media type: a press link serves WebP variants as well as JPEGs and PNGs. */
  contentType: string
  etag: string
  isPublic: boolean
}

/**
 * The post behind a press preview secret, or null for an unknown, expired or revoked link or a
 * deleted post (production/previews.ts `open`, given at construction: previews sit above reads).
 */
export type OpenPreview = (
  token: string,
) => Promise<{ preview: { id: string; token_hash: string }; channel: ChannelRow; post: PostRecord } | null>

/**
 * The image files public surfaces need beyond /media/…: the blurred renderings of spoiler images
 * (`/media/{id}/blur.jpg`) and the images of a post behind a press preview link. Served by the
 * pages' routes; they live here, beside the rules and the blurred renderings they apply.
 */
export interface ImageFileService {
  /**
   * The blurred rendering of a media item (made on first request), for whoever may see the media;
   * else `media-not-found`.
   */
  blurFile(viewerId: string | null, mediaId: string): Promise<ImageBytes>
  /**
   * An image of the post behind a press preview link (`preview-not-found`), marked with the link's
   * watermark (traced-images.ts): a spoiler only blurred; anything else `media-not-found`.
   */
  previewFile(token: string, mediaId: string, fileName: string): Promise<ImageBytes>
}

export function createImageFileService(
  deps: ReadDeps & { openPreview: OpenPreview; traced: TracedImages },
): ImageFileService {
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
    // Blurred renderings are always JPEG (blur.ts).
    return { ...opened, contentType: 'image/jpeg', etag: `"${blur.key.slice(6, 70)}"`, isPublic: false }
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
   * image (unmarked: it shows nothing worth tracing), the requested variant of any other, marked. Another post's media, an expired link: 404.
   */
  async function previewFile(token: string, mediaId: string, fileName: string): Promise<ImageBytes> {
    const opened =
      (await deps.openPreview(token)) ?? fail('preview-not-found', 'This preview link is invalid.')
    const [post] = await readPosts(deps, opened.channel, [opened.post.id], { isPressPreview: true })
    const image = post?.images.find((i) => i.mediaId === mediaId) ?? fail('media-not-found', 'No such image.')
    const media = (await findMedia(deps.db, mediaId)) ?? fail('media-not-found', 'No such image.')
    if (fileName === `${BLUR_NAME}.jpg`) return streamBlur(media)
    if (image.isSpoiler) fail('media-not-found', 'No such image.')
    const ref = findFile(media, fileName) ?? fail('media-not-found', 'No such image.')
    return deps.traced.marked(
      { id: opened.preview.id, tokenHash: opened.preview.token_hash },
      ref.key,
      ref.format,
    )
  }

  return { blurFile, previewFile }
}
