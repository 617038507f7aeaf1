import { scrubErasedContent } from '../db/scrub.js'
import { deleteFilesOfDeletedRows, deleteMediaRows } from '../media/index.js'
import { requirePermission } from './access.js'
import { findAvatarMediaId } from './avatar-store.js'
import { memberAccountIds } from './member-store.js'
import type { ChannelServiceDeps } from './service.js'
import { deleteChannel } from './store.js'

/**
 * Deletes the channel and everything in it (owner only): its posts, events and album images and
 * its avatar (media rows in the transaction, files after commit). After commit every member's
 * live subscriptions are ended with reason 'channel-deleted'.
 */
export async function deleteChannelAndContent(
  deps: ChannelServiceDeps,
  slug: string,
  actorId: string,
): Promise<void> {
  const { db, eventLog } = deps
  const { channelId, members, media } = await db.transaction().execute(async (tx) => {
    const access = await requirePermission(tx, slug, actorId, 'channel.delete')
    const members = await memberAccountIds(tx, access.channel.id)
    const avatarId = await findAvatarMediaId(tx, access.channel.id)
    const albumMediaIds = await deps.listContentMediaIds(tx, access.channel.id)
    await deleteChannel(tx, access.channel.id) // posts, album and avatar links cascade
    const media = await deleteMediaRows(tx, avatarId ? [avatarId, ...albumMediaIds] : albumMediaIds)
    return { channelId: access.channel.id, members, media }
  })
  const mediaFiles = { db, mediaStore: deps.mediaStore, logger: deps.logger.child({ area: 'channels' }) }
  await deleteFilesOfDeletedRows(mediaFiles, media)
  await scrubErasedContent(db)
  for (const accountId of members) {
    await eventLog.publishAccessChange({ channelId, accountId, reason: 'channel-deleted' })
  }
}
