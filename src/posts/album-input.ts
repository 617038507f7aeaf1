import { fail } from '../errors.js'
import { ALT_MAX, CREDIT_MAX } from '../media/index.js'
import type { AlbumItemInputData } from './schemas.js'
import { cleanFieldText } from './text.js'

/**
 * One image of an album as requested, cleaned. A field left out (undefined) is taken from the
 * upload on creation, and kept as it is for an image already in the album on edit.
 */
export interface AlbumItemPlan {
  mediaId: string
  alt?: string
  credit?: string | null
  spoiler?: boolean
}

/**
 * Checks an album's `media` list (its size is checked by the schema): trimmed alt text and credit
 * of real text, each id at most once. Runs before any transaction, so a bad list writes nothing.
 */
export function cleanAlbumInput(items: readonly AlbumItemInputData[]): AlbumItemPlan[] {
  const seen = new Map<string, number>()
  return items.map((item, i) => {
    const first = seen.get(item.id)
    if (first !== undefined) {
      const message = `repeats the image at /media/${first}`
      fail('validation', `Invalid body: /media/${i}/id: ${message}.`, {
        errors: [{ field: `/media/${i}/id`, message }],
      })
    }
    seen.set(item.id, i)
    const plan: AlbumItemPlan = { mediaId: item.id }
    if (item.alt !== undefined) plan.alt = cleanFieldText(item.alt, `/media/${i}/alt`, ALT_MAX)
    if (item.credit !== undefined) {
      plan.credit =
        item.credit === null ? null : cleanFieldText(item.credit, `/media/${i}/credit`, CREDIT_MAX) || null
    }
    if (item.spoiler !== undefined) plan.spoiler = item.spoiler
    return plan
  })
}
