import { fail } from '../errors.js'
import { ALT_MAX, CREDIT_MAX, RIGHTS_MAX } from '../media/index.js'
import { type AlbumItemInputData, SPOILER_LABEL_MAX } from './schemas.js'
import { cleanFieldText } from './text.js'

/**
 * One image of an album as requested, cleaned. A field left out (undefined) is taken from the
 * upload on creation, and kept as it is for an image already in the album on edit.
 */
export interface AlbumItemPlan {
  mediaId: string
  alt?: string
  credit?: string | null
  rights?: string | null
  spoiler?: boolean
  spoilerLabel?: string | null
}

/**
 * Checks an album's `media` list (its size is checked by the schema): trimmed alt text, credit,
 * rights and spoiler label of real text (an empty credit, rights or label is none), each id at most once. Runs before any transaction, so a bad list writes nothing.
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
    if (item.credit !== undefined) plan.credit = optionalText(item.credit, `/media/${i}/credit`, CREDIT_MAX)
    if (item.rights !== undefined) plan.rights = optionalText(item.rights, `/media/${i}/rights`, RIGHTS_MAX)
    if (item.spoiler !== undefined) plan.spoiler = item.spoiler
    if (item.spoilerLabel !== undefined) {
      plan.spoilerLabel = optionalText(item.spoilerLabel, `/media/${i}/spoilerLabel`, SPOILER_LABEL_MAX)
    }
    return plan
  })
}

/** A nullable text field of an image: null or empty is none. */
function optionalText(value: string | null, field: string, max: number): string | null {
  return value === null ? null : cleanFieldText(value, field, max) || null
}
