import sharp from 'sharp'
import type { DbOrTx } from '../db/database.js'
import type { MediaRenderingRow, MediaVariant } from '../db/schema.js'
import { contentKey, type MediaStore } from '../media-store/media-store.js'

/**
 * The blurred stand-in of a spoiler image (issue 6 item 7), used wherever the app's tap-to-reveal
 * cannot run: OpenGraph images, feeds, oEmbed thumbnails, embeds, public pages and previews.
 *
 * It is made FROM THE IMAGE (not the blurhash string): the smallest JPEG variant is shrunk to at
 * most 24 px — at that size no face, text or prop survives — then enlarged to at most 480 px and
 * blurred again so it reads as a soft colour field. It is stored as its own media-store object
 * (content-addressed, so two nodes making it at once write the same file) and recorded in
 * `media_rendering` under the name `blur`, created lazily on first public read.
 */
export const BLUR_NAME = 'blur'
const TINY = 24
const OUTPUT = 480

export async function renderBlur(source: Buffer): Promise<{ bytes: Buffer; width: number; height: number }> {
  const tiny = await sharp(source, { limitInputPixels: false })
    .resize(TINY, TINY, { fit: 'inside' })
    .flatten({ background: '#808080' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  const { data, info } = await sharp(tiny.data, {
    raw: { width: tiny.info.width, height: tiny.info.height, channels: tiny.info.channels },
  })
    .resize(OUTPUT, OUTPUT, { fit: 'inside', kernel: 'cubic' })
    .blur(12)
    .jpeg({ quality: 70 })
    .toBuffer({ resolveWithObject: true })
  return { bytes: data, width: info.width, height: info.height }
}

export interface BlurSource {
  mediaId: string
  status: string
  variants: string
}

/** The smallest JPEG variant: the cheapest faithful source for a 24-pixel thumbnail. */
function sourceVariant(media: BlurSource): MediaVariant | undefined {
  const variants = (JSON.parse(media.variants) as MediaVariant[]).filter((v) => v.format === 'jpeg')
  return variants.sort((a, b) => a.width * a.height - b.width * b.height)[0]
}

export async function findRenderings(
  db: DbOrTx,
  mediaIds: readonly string[],
  name = BLUR_NAME,
): Promise<Map<string, MediaRenderingRow>> {
  if (mediaIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('media_rendering')
    .selectAll()
    .where('media_id', 'in', mediaIds)
    .where('name', '=', name)
    .execute()
  return new Map(rows.map((r) => [r.media_id, r]))
}

/**
 * The blurred renderings of these media items, making the missing ones. A media item that is not
 * ready (or whose source file is missing) gets none — callers then show no image at all, never the
 * unblurred one.
 */
export async function ensureBlurs(
  db: DbOrTx,
  store: MediaStore,
  media: readonly BlurSource[],
  now: number,
): Promise<Map<string, MediaRenderingRow>> {
  const found = await findRenderings(
    db,
    media.map((m) => m.mediaId),
  )
  for (const item of media) {
    if (found.has(item.mediaId) || item.status !== 'ready') continue
    const variant = sourceVariant(item)
    const source = variant ? await store.get(variant.key) : null
    if (!source) continue
    const blurred = await renderBlur(source)
    const key = await contentKey(blurred.bytes, 'jpg')
    await store.put(key, blurred.bytes, 'image/jpeg')
    const row: MediaRenderingRow = {
      media_id: item.mediaId,
      name: BLUR_NAME,
      key,
      format: 'jpeg',
      width: blurred.width,
      height: blurred.height,
      bytes: blurred.bytes.length,
      created_at: now,
    }
    // Another node (or request) may have made it meanwhile: same bytes, same key; keep theirs.
    await db
      .insertInto('media_rendering')
      .values(row)
      .onConflict((oc) => oc.columns(['media_id', 'name']).doNothing())
      .execute()
    found.set(item.mediaId, row)
  }
  return found
}
