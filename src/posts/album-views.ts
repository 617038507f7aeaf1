import type { PostMediaRow } from '../db/schema.js'
import { mediaFileUrls, toAvView } from '../media/index.js'
import type { AlbumItemRecord } from './album-store.js'
import type { AlbumItemSnapshotData, AlbumItemViewData } from './schemas.js'

/**
 * One album image as every reader sees it: enough (size, blurhash) to lay the album out before a
 * single file loads, and the URLs of its files. Storage keys never leave the server.
 */
export function toAlbumItemView(item: AlbumItemRecord, publicUrl: URL): AlbumItemViewData {
  return {
    id: item.media_id,
    position: item.position,
    width: item.width,
    height: item.height,
    blurhash: item.blurhash,
    alt: item.alt,
    credit: item.credit,
    rights: item.rights,
    spoiler: item.spoiler === 1,
    spoilerLabel: item.spoiler_label,
    ...mediaFileUrls(publicUrl, item.media_id, item),
    ...toAvView(item),
  }
}

/** An album image as kept in a revision snapshot (what an edit can change). */
export function toAlbumItemSnapshot(link: PostMediaRow): AlbumItemSnapshotData {
  return {
    id: link.media_id,
    alt: link.alt,
    credit: link.credit,
    rights: link.rights,
    spoiler: link.spoiler === 1,
    spoilerLabel: link.spoiler_label,
  }
}
