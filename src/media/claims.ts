import type { DbOrTx } from '../db/database.js'
import type { MediaRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { findLinkedMediaIds, lockMediaRows } from './store.js'
import { mediaKindOf } from './views.js'

/**
 * Claims uploads for an album (posts) or a channel avatar (channels) inside the caller's
 * transaction. Whether an upload may be used, and the lock that makes the check hold until the
 * caller links it, are media's rules, so both areas above call this one function. In request
 * order, each id must be an upload of `ownerId` (anything else — unknown, or someone else's — is
 * `media-not-found`, the same answer, so ids of other accounts' uploads cannot be probed), `ready`,
 * and in no album and no channel avatar yet (and an image, with `isImageOnly`). The first bad id throws, which rolls the whole
 * transaction back: nothing is written.
 */
export async function claimMedia(
  tx: DbOrTx,
  ownerId: string,
  plans: readonly { mediaId: string }[],
  options: { isImageOnly?: boolean } = {},
): Promise<Map<string, MediaRow>> {
  const ids = plans.map((p) => p.mediaId)
  const rows = new Map((await lockMediaRows(tx, ids)).map((r) => [r.id, r]))
  const linked = await findLinkedMediaIds(tx, ids)
  for (const id of ids) {
    const row = rows.get(id)
    if (!row || row.owner_id !== ownerId) fail('media-not-found', `No media ${id}.`, { mediaId: id })
    if (row.status === 'processing') {
      fail('media-not-ready', `Media ${id} is still being processed; post it once it is ready.`, {
        mediaId: id,
      })
    }
    if (row.status !== 'ready') {
      fail('media-not-ready', `Media ${id} could not be processed (${row.error ?? 'failed'}).`, {
        mediaId: id,
      })
    }
    // A channel avatar is a picture: a video or voice note cannot be one (issue 20).
    if (options.isImageOnly && mediaKindOf(row.mime) !== 'image') {
      fail('unsupported-image', `Media ${id} is a ${mediaKindOf(row.mime)}; an avatar must be an image.`, {
        mediaId: id,
      })
    }
    if (linked.has(id)) {
      const detail = `Media ${id} is already in a post or a channel avatar; upload the image again to reuse it.`
      fail('media-already-used', detail, { mediaId: id })
    }
  }
  return rows
}
