import { extensionOf, mediaFileUrl, parseVariants } from '../media/index.js'
import type { LinkPreviewViewData } from './schemas.js'
import type { PostPreviewRow } from './store.js'

/** Long side of the image variant a card shows (the 1080 variant, or the largest below it). */
const CARD_IMAGE = '1080'

export function toLinkPreviewView(row: PostPreviewRow, publicUrl: URL): LinkPreviewViewData {
  return {
    url: row.url,
    title: row.title,
    description: row.description,
    siteName: row.site_name,
    image: imageOf(row, publicUrl),
  }
}

function imageOf(row: PostPreviewRow, publicUrl: URL): LinkPreviewViewData['image'] {
  if (!row.image_media_id || row.variants === null) return null
  const jpegs = parseVariants({ variants: row.variants }).filter((v) => v.format === 'jpeg')
  const variant = jpegs.find((v) => v.name === CARD_IMAGE) ?? jpegs.at(-1)
  if (!variant) return null
  return {
    url: mediaFileUrl(publicUrl, row.image_media_id, `${variant.name}.${extensionOf[variant.format]}`),
    width: variant.width,
    height: variant.height,
  }
}
