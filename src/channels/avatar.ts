import { type DbOrTx, isUniqueViolation } from '../db/database.js'
import { fail } from '../errors.js'
import { claimMedia, type DeletedMediaRow, deleteMediaRows, mediaFileUrls } from '../media/index.js'
import {
  type AvatarRecord,
  deleteAvatarLink,
  findAvatarMediaId,
  insertAvatarLink,
  listAvatars,
  lockChannelRow,
} from './avatar-store.js'
import type { ChannelAvatarViewT } from './schemas.js'

/**
 * Channel avatars (issue 5). An avatar is an upload of the staff member who sets it, claimed the
 * way an album claims its images (media/claims.ts `claimMedia`: same ownership, readiness and
 * "not used elsewhere" checks under the media row's lock), and linked in `channel_avatar`. The
 * link is what keeps the unattached-media sweep away from it and what the media access rules read.
 * A replaced or removed avatar's media row is deleted in the same transaction and its files right
 * after commit, like an image left out of an edited album.
 */

export interface AvatarChange {
  changed: boolean
  /** Media rows deleted by the change (the previous avatar); their files go after commit. */
  removed: DeletedMediaRow[]
}

const unchanged: AvatarChange = { changed: false, removed: [] }

/**
 * Sets (`mediaId`), replaces or removes (`null`) the channel's avatar inside the caller's
 * transaction. Setting the current avatar again changes nothing. A bad id throws its problem:
 * `media-not-found` (unknown or another account's), `media-not-ready`, `media-already-used` (in a
 * post or another channel's avatar), or `validation` for an image flagged as a spoiler (an avatar
 * is shown unblurred everywhere the channel is).
 */
export async function changeAvatar(
  tx: DbOrTx,
  input: { channelId: string; actorId: string; mediaId: string | null; at: number },
): Promise<AvatarChange> {
  if (input.mediaId !== null) {
    if ((await findAvatarMediaId(tx, input.channelId)) === input.mediaId) return unchanged
    const claimed = await claimMedia(tx, input.actorId, [{ mediaId: input.mediaId }], { isImageOnly: true })
    if (claimed.get(input.mediaId)?.spoiler === 1) {
      const message = 'a spoiler image cannot be an avatar'
      fail('validation', `Invalid body: /avatarMediaId: ${message}; upload it without the spoiler flag.`, {
        errors: [{ field: '/avatarMediaId', message }],
      })
    }
  }
  // Media rows first (the claim), then the channel row: the order album posts take them in (their
  // event appends last), so the two cannot deadlock.
  await lockChannelRow(tx, input.channelId)
  const currentId = (await findAvatarMediaId(tx, input.channelId)) ?? null
  if (input.mediaId === null && currentId === null) return unchanged
  let removed: DeletedMediaRow[] = []
  if (currentId !== null) {
    await deleteAvatarLink(tx, input.channelId)
    removed = await deleteMediaRows(tx, [currentId])
  }
  if (input.mediaId !== null) {
    try {
      await insertAvatarLink(tx, { channel_id: input.channelId, media_id: input.mediaId, set_at: input.at })
    } catch (error) {
      // The claim holds the media row's lock, but the unique index has the last word.
      if (!isUniqueViolation(error)) throw error
      fail('media-already-used', `Media ${input.mediaId} was claimed elsewhere at the same moment.`, {
        mediaId: input.mediaId,
      })
    }
  }
  return { changed: true, removed }
}

/**
 * The avatar as the API shows it: the smallest size class (320 px on the long side, or the image's
 * own size if smaller), in every format it was encoded in; `url` is its JPEG, which every client
 * and feed reader can show. Clients crop it to a circle (object-fit: cover).
 */
export function toAvatarView(record: AvatarRecord, publicUrl: URL): ChannelAvatarViewT | null {
  const { variants } = mediaFileUrls(publicUrl, record.media_id, record)
  const smallest = Math.min(...variants.map((v) => Number(v.name)))
  const small = variants.filter((v) => Number(v.name) === smallest)
  const main = small.find((v) => v.format === 'jpeg') ?? small[0]
  if (!main) return null
  return {
    url: main.url,
    width: main.width,
    height: main.height,
    blurhash: record.blurhash,
    variants: small,
  }
}

/** The avatar views of these channels, by channel id (channels without one are absent). */
export async function loadAvatarViews(
  db: DbOrTx,
  channelIds: readonly string[],
  publicUrl: URL,
): Promise<Map<string, ChannelAvatarViewT>> {
  const views = new Map<string, ChannelAvatarViewT>()
  for (const record of await listAvatars(db, channelIds)) {
    const view = toAvatarView(record, publicUrl)
    if (view) views.set(record.channel_id, view)
  }
  return views
}

export async function loadAvatarView(
  db: DbOrTx,
  channelId: string,
  publicUrl: URL,
): Promise<ChannelAvatarViewT | null> {
  return (await loadAvatarViews(db, [channelId], publicUrl)).get(channelId) ?? null
}
