import type { Updateable } from 'kysely'
import type { ChannelTable } from '../db/schema.js'
import { type DeletedMediaRow, deleteFilesOfDeletedRows } from '../media/index.js'
import { requirePermission } from './access.js'
import { recordAudit } from './audit.js'
import { changeAvatar } from './avatar.js'
import { checkReactionSet, cleanTitle, loadPublicChannelView, viewFor } from './rules.js'
import type { ChannelViewT, UpdateChannelInput } from './schemas.js'
import type { ChannelServiceDeps } from './service.js'
import { updateChannel } from './store.js'

/**
 * Changes settings (admin+); appends `channel.updated` with the public view and an audit entry.
 * `avatarMediaId` sets, replaces or (null) removes the avatar (avatar.ts); a replaced avatar's
 * files are deleted after commit.
 */
export async function updateChannelSettings(
  deps: ChannelServiceDeps,
  slug: string,
  actorId: string,
  input: UpdateChannelInput,
): Promise<ChannelViewT> {
  const { clock, eventLog, publicUrl } = deps
  if (input.reactionSet) checkReactionSet(input.reactionSet)
  const title = input.title === undefined ? undefined : cleanTitle(input.title)
  let becamePrivate: string | null = null
  let removedAvatar: DeletedMediaRow[] = []
  const view = await eventLog.transact(async (tx, append) => {
    const access = await requirePermission(tx, slug, actorId, 'channel.update')
    const before = access.channel
    if (input.visibility === 'private' && before.visibility !== 'private') becamePrivate = before.id
    const now = clock.now()
    const patch: Updateable<ChannelTable> = { updated_at: now }
    if (input.avatarMediaId !== undefined) {
      const change = await changeAvatar(tx, {
        channelId: before.id,
        actorId,
        mediaId: input.avatarMediaId,
        at: now,
      })
      removedAvatar = change.removed
    }
    if (title !== undefined) patch.title = title
    if (input.description !== undefined) patch.description = input.description
    if (input.visibility !== undefined) patch.visibility = input.visibility
    if (input.joinPolicy !== undefined) patch.join_policy = input.joinPolicy
    if (input.requireApproval !== undefined) patch.require_approval = input.requireApproval ? 1 : 0
    if (input.reactionSet !== undefined) {
      patch.reaction_set = input.reactionSet === null ? null : JSON.stringify(input.reactionSet)
    }
    const channel = await updateChannel(tx, before.id, patch)
    const changes = Object.fromEntries(
      Object.keys(input).map((key) => [key, input[key as keyof UpdateChannelInput]]),
    )
    await recordAudit(tx, {
      channelId: channel.id,
      actorId,
      action: 'channel.updated',
      details: { changes },
      at: now,
    })
    await append({
      channelId: channel.id,
      channelSlug: channel.slug,
      type: 'channel.updated',
      data: await loadPublicChannelView(tx, channel, publicUrl()),
    })
    return viewFor(tx, { ...access, channel }, publicUrl())
  })
  const mediaFiles = {
    db: deps.db,
    mediaStore: deps.mediaStore,
    logger: deps.logger.child({ area: 'channels' }),
  }
  await deleteFilesOfDeletedRows(mediaFiles, removedAvatar)
  // Open streams of visitors who are not members must end now that the channel is private.
  if (becamePrivate)
    await eventLog.publishAccessChange({
      channelId: becamePrivate,
      accountId: null,
      reason: 'channel-private',
    })
  return view
}

/**
 * Archives (read-only: no posts, joins, approvals or new invites) or unarchives the channel
 * (admin+). Idempotent: setting the current state again changes nothing and logs nothing.
 */
export async function setChannelArchived(
  { clock, eventLog, publicUrl }: ChannelServiceDeps,
  slug: string,
  actorId: string,
  archived: boolean,
): Promise<ChannelViewT> {
  return eventLog.transact(async (tx, append) => {
    const access = await requirePermission(tx, slug, actorId, 'channel.archive')
    if ((access.channel.archived_at !== null) === archived) return viewFor(tx, access, publicUrl())
    const now = clock.now()
    const channel = await updateChannel(tx, access.channel.id, {
      archived_at: archived ? now : null,
      updated_at: now,
    })
    const action = archived ? 'channel.archived' : 'channel.unarchived'
    await recordAudit(tx, { channelId: channel.id, actorId, action, details: {}, at: now })
    await append({
      channelId: channel.id,
      channelSlug: channel.slug,
      type: 'channel.updated',
      data: await loadPublicChannelView(tx, channel, publicUrl()),
    })
    return viewFor(tx, { ...access, channel }, publicUrl())
  })
}
