import { Readable } from 'node:stream'
import { fail } from '../errors.js'
import type { MediaStore } from '../media-store/media-store.js'
import { createSemaphore } from '../util/semaphore.js'
import { embedWatermark, type MarkedFormat, watermarkKey } from '../watermark/index.js'
import type { ImageBytes } from './image-files.js'

/** A per-recipient link whose images are marked: its id and the SHA-256 of its secret (the key's source). */
export interface TracedLink {
  id: string
  tokenHash: string
}

/** Marked copies kept in memory, in bytes (about fifty 2048 px JPEGs). */
const CACHE_BYTES = 64 * 1024 * 1024
/** Marks made at once on this node: each decodes a whole image; the rest wait their turn. */
const CONCURRENT_MARKS = 2

/**
 * The images a press preview or press kit link serves, each carrying that link's invisible
 * watermark (src/watermark, docs/watermark.md), so a leaked copy can be traced to its recipient
 * (`backlot trace`). The stored files stay unmarked — every public surface serves them as they
 * are — and a marked copy is made on first request and kept in a bounded in-memory cache keyed by
 * link, media and file. Callers check the link (valid, not revoked, post not deleted) before
 * asking, so a cached copy is never served once its link or post is gone; it just ages out.
 */
export interface TracedImages {
  /** The stored file `key` marked for `link`, as a response body. */
  marked(link: TracedLink, key: string, format: string): Promise<ImageBytes>
  /** The same as bytes (for the press kit zip). */
  markedBytes(link: TracedLink, key: string, format: string): Promise<Buffer>
}

/** The formats a press link serves, marked, with their media types. */
const MARKED_TYPES: Record<MarkedFormat, string> = {
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  png: 'image/png',
}
const MARKABLE = new Set<string>(Object.keys(MARKED_TYPES))

/**
 * Only photos (and a clip's poster, which is one) carry the mark. A clip's or voice note's own file
 * is not served through a press link at all: nothing could trace it if it leaked.
 */
function markable(format: string): MarkedFormat {
  if (MARKABLE.has(format)) return format as MarkedFormat
  return fail(
    'media-not-found',
    'Clips and voice notes are not served through press links: they carry no watermark.',
  )
}

export function createTracedImages(deps: { mediaStore: MediaStore }): TracedImages {
  // A Map iterates in insertion order: re-inserting on a hit makes it least-recently-used first.
  const cache = new Map<string, Buffer>()
  let cachedBytes = 0
  const marks = createSemaphore(CONCURRENT_MARKS)

  function remember(id: string, bytes: Buffer): void {
    cache.set(id, bytes)
    cachedBytes += bytes.length
    for (const [oldId, old] of cache) {
      if (cachedBytes <= CACHE_BYTES) break
      cache.delete(oldId)
      cachedBytes -= old.length
    }
  }

  async function markedBytes(link: TracedLink, key: string, format: string): Promise<Buffer> {
    const imageFormat = markable(format)
    const id = `${link.id}|${key}`
    const hit = cache.get(id)
    if (hit) {
      cache.delete(id)
      cache.set(id, hit)
      return hit
    }
    const bytes = await marks.run(async () => {
      const stored = (await deps.mediaStore.get(key)) ?? fail('media-not-found', 'No such image.')
      return embedWatermark(stored, watermarkKey(link.tokenHash), imageFormat)
    })
    remember(id, bytes)
    return bytes
  }

  async function marked(link: TracedLink, key: string, format: string): Promise<ImageBytes> {
    const bytes = await markedBytes(link, key, format)
    // The stored file's hash and the link: a new link (or a re-marked file) is a new ETag.
    return {
      body: Readable.from([bytes]),
      size: bytes.length,
      contentType: MARKED_TYPES[markable(format)],
      etag: `"${key.slice(6, 38)}-${link.id}"`,
      isPublic: false,
    }
  }

  return { marked, markedBytes }
}
