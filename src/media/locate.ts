import type { DbOrTx } from '../db/database.js'
import { fail } from '../errors.js'
import type { MediaVisibilityRule } from './access.js'
import { findFile, type MediaFileRef } from './files.js'
import { findMedia } from './store.js'

export interface LocatedFile extends MediaFileRef {
  /** Anyone may see it (published post, public or unlisted channel): caches may share it. */
  isPublic: boolean
}

/**
 * The one access check behind `/media/{id}/{fileName}`, shared by proxy and redirect delivery so
 * the two cannot disagree about who sees what. The file comes from the row's keys, never from the
 * path; a file the viewer may not see (`mediaVisibility`) is `media-not-found`, exactly like an
 * unknown id or file name.
 */
export async function locateFile(
  { db, mediaVisibility }: { db: DbOrTx; mediaVisibility: MediaVisibilityRule },
  viewerId: string | null,
  id: string,
  fileName: string,
): Promise<LocatedFile> {
  const row = await findMedia(db, id)
  const ref = row && findFile(row, fileName)
  if (!row || !ref) fail('media-not-found', `No media ${id}.`)
  const visibility = await mediaVisibility(db, row, viewerId)
  if (visibility === 'hidden') fail('media-not-found', `No media ${id}.`)
  return { ...ref, isPublic: visibility === 'public' }
}
