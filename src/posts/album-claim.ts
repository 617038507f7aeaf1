import type { Insertable } from 'kysely'
import { type DbOrTx, isUniqueViolation } from '../db/database.js'
import type { PostMediaRow, PostMediaTable } from '../db/schema.js'
import { fail } from '../errors.js'
import { claimMedia, type DeletedMediaRow, deleteMediaRows, nextImageSpoiler } from '../media/index.js'
import type { AlbumItemPlan } from './album-input.js'
import { deleteAlbumLinks, insertAlbumLinks, listAlbumLinks } from './album-store.js'

type NewLink = Insertable<PostMediaTable> & { spoiler: number }

/** What a requested image shows in this post: the request's fields, else `base` (upload or current link). */
function linkFor(
  postId: string,
  plan: AlbumItemPlan,
  position: number,
  base: Pick<PostMediaRow, 'alt' | 'credit' | 'rights' | 'spoiler' | 'spoiler_label'>,
): NewLink {
  // A label alone marks the image a spoiler; spoiler: false drops it (media/image-spoiler.ts).
  const spoiler = nextImageSpoiler(
    { spoiler: base.spoiler === 1, label: base.spoiler_label },
    { spoiler: plan.spoiler, label: plan.spoilerLabel },
  )
  return {
    post_id: postId,
    media_id: plan.mediaId,
    position,
    alt: plan.alt ?? base.alt,
    credit: plan.credit !== undefined ? plan.credit : base.credit,
    rights: plan.rights !== undefined ? plan.rights : base.rights,
    spoiler: spoiler.spoiler ? 1 : 0,
    spoiler_label: spoiler.label,
  }
}

/**
 * Writes the links. `post_media.media_id` is unique: should a concurrent album have linked one of
 * the ids after our check (it cannot while we hold the rows' locks, but the index is the last
 * word), the post fails cleanly as `media-already-used` rather than as an internal error.
 */
async function writeLinks(tx: DbOrTx, links: NewLink[]): Promise<void> {
  try {
    await insertAlbumLinks(tx, links)
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    fail('media-already-used', 'One of the images was put in another post at the same moment.')
  }
}

/** Claims the uploads and links them to a new album post, in order (see `claimMedia`). */
export async function insertAlbum(
  tx: DbOrTx,
  postId: string,
  plans: readonly AlbumItemPlan[],
  ownerId: string,
): Promise<void> {
  const rows = await claimMedia(tx, ownerId, plans)
  await writeLinks(
    tx,
    plans.map((plan, i) => linkFor(postId, plan, i, rows.get(plan.mediaId)!)),
  )
}

export interface AlbumEdit {
  changed: boolean
  /** Media rows deleted because the edit left them out; their files go after commit. */
  removed: DeletedMediaRow[]
}

function sameLinks(a: readonly PostMediaRow[], b: readonly NewLink[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (link, i) =>
        link.media_id === b[i]!.media_id &&
        link.alt === b[i]!.alt &&
        link.credit === b[i]!.credit &&
        link.rights === b[i]!.rights &&
        link.spoiler === b[i]!.spoiler &&
        link.spoiler_label === b[i]!.spoiler_label,
    )
  )
}

/**
 * Replaces an album's image list with `plans` (the full new list, in order). Images already in the
 * album keep their alt text, credit, rights and spoiler flag and label unless the plan changes them; new ones are
 * claimed from `editorId`'s uploads like on creation; images left out are detached and their media
 * rows deleted (files after commit), so they are served no more. A plan equal to the current list
 * writes nothing.
 */
export async function editAlbum(
  tx: DbOrTx,
  postId: string,
  plans: readonly AlbumItemPlan[],
  editorId: string,
): Promise<AlbumEdit> {
  const current = await listAlbumLinks(tx, postId)
  const byId = new Map(current.map((link) => [link.media_id, link]))
  const added = plans.filter((p) => !byId.has(p.mediaId))
  const claimed = await claimMedia(tx, editorId, added)
  const next = plans.map((plan, i) =>
    linkFor(postId, plan, i, byId.get(plan.mediaId) ?? claimed.get(plan.mediaId)!),
  )
  if (sameLinks(current, next)) return { changed: false, removed: [] }
  const kept = new Set(plans.map((p) => p.mediaId))
  // Positions are part of the key: rewrite the list rather than shuffle rows in place.
  await deleteAlbumLinks(tx, postId)
  const removed = await deleteMediaRows(
    tx,
    current.filter((link) => !kept.has(link.media_id)).map((link) => link.media_id),
  )
  await writeLinks(tx, next)
  return { changed: true, removed }
}

/** Detaches every image of a deleted album and deletes their media rows; returns them (for their files). */
export async function eraseAlbum(tx: DbOrTx, postId: string): Promise<DeletedMediaRow[]> {
  const links = await listAlbumLinks(tx, postId)
  await deleteAlbumLinks(tx, postId)
  return deleteMediaRows(
    tx,
    links.map((link) => link.media_id),
  )
}
