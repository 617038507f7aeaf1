import type { Db } from '../db/database.js'
import type { MediaStore } from '../media-store/media-store.js'
import { newId } from '../util/ids.js'
import { storeProcessed } from './files.js'
import { processImage } from './processing.js'
import { insertMedia } from './store.js'

export interface RehostDeps {
  db: Db
  mediaStore: MediaStore
  limits: { maxPixels: number }
}

/**
 * Stores an image fetched from another site (a link preview's) as a ready media row of `ownerId`,
 * through the same pipeline as an upload: the header is checked against the pixel limit before
 * decoding, and the files are re-encoded with no metadata but an sRGB profile (processing.ts).
 * The caller bounds the bytes (the outbound client's cap) and claims the row (media/store.ts
 * `isClaimed` lists the link preview claim), else the unattached sweep deletes it. Returns its id.
 */
export async function rehostImage(
  deps: RehostDeps,
  ownerId: string,
  bytes: Buffer,
  now: number,
): Promise<string> {
  const image = await processImage(bytes, deps.limits)
  const stored = await storeProcessed(deps.db, deps.mediaStore, image)
  const id = newId()
  await insertMedia(deps.db, {
    id,
    owner_id: ownerId,
    status: 'ready',
    error: null,
    mime: image.mime,
    width: image.width,
    height: image.height,
    blurhash: image.blurhash,
    alt: '',
    credit: null,
    rights: null,
    spoiler: 0,
    spoiler_label: null,
    duration_ms: null,
    waveform: null,
    bytes: bytes.length,
    original_key: stored.originalKey,
    variants: JSON.stringify(stored.variants),
    created_at: now,
    ready_at: now,
  })
  return id
}
