import type { Updateable } from 'kysely'
import { type Db, type DbOrTx, isUniqueViolation } from '../db/database.js'
import type { ChannelTable } from '../db/schema.js'
import { scrubErasedContent } from '../db/scrub.js'
import { fail } from '../errors.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import { type DeletedMediaRow, deleteFilesOfDeletedRows, deleteMediaRows } from '../media/index.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { Clock } from '../util/clock.js'
import { newId } from '../util/ids.js'
import { mapPage, toPage } from '../util/pagination.js'
import { loadChannelAccess, requirePermission } from './access.js'
import { listAuditEntries, recordAudit } from './audit.js'
import { changeAvatar, loadAvatarViews } from './avatar.js'
import { findAvatarMediaId } from './avatar-store.js'
import { createBanService } from './bans.js'
import { auditCursor, myChannelCursor, publicChannelCursor } from './cursor.js'
import { createInviteService } from './invites.js'
import { createJoinRequestService } from './join-requests.js'
import { insertMember, memberAccountIds } from './member-store.js'
import { createMembershipService } from './members.js'
import { createRoleService } from './role-changes.js'
import { checkReactionSet, cleanTitle, loadPublicChannelView, normaliseSlug, viewFor } from './rules.js'
import type { CreateChannelInput, UpdateChannelInput } from './schemas.js'
import {
  type ChannelWithCount,
  deleteChannel,
  findChannelBySlug,
  insertChannel,
  listMemberChannels,
  listPublicChannels,
  updateChannel,
} from './store.js'
import { toAuditEntryView, toChannelListItem } from './views.js'

/**
 * The ids of the media a channel's content holds (its posts' album images), read inside the
 * deletion's transaction so they are deleted with the channel. Posts sit above channels, so the
 * posts area supplies it (src/context.ts wires posts/album-store.ts `listChannelAlbumMediaIds`).
 */
export type ChannelContentMedia = (tx: DbOrTx, channelId: string) => Promise<string[]>

export interface ChannelServiceDeps {
  db: Db
  clock: Clock
  eventLog: EventLog
  /** Where a replaced avatar's files are deleted from. */
  mediaStore: MediaStore
  logger: Logger
  /** Read at each use (avatar URLs): with PORT=0 the public URL is known only once the server listens. */
  publicUrl: () => URL
  listContentMediaIds: ChannelContentMedia
}

export interface PageRequest {
  cursor?: string
  limit?: number
}

/**
 * Channels, their settings, roles and membership. Every method authorises through access.ts, runs
 * its writes in one transaction with the matching audit entry and channel event, and publishes
 * events and access changes only after commit.
 */
export function createChannelService(deps: ChannelServiceDeps) {
  const { db, clock, eventLog, publicUrl } = deps
  const mediaFiles = { db, mediaStore: deps.mediaStore, logger: deps.logger.child({ area: 'channels' }) }

  /**
   * Creates a channel owned by `actorId`. The slug is lower-cased and unique (409 slug-taken, also
   * when two creators race for it).
   */
  async function create(actorId: string, input: CreateChannelInput) {
    const slug = normaliseSlug(input.slug)
    const title = cleanTitle(input.title)
    if (await findChannelBySlug(db, slug)) fail('slug-taken', `The address "${slug}" is taken.`)
    const now = clock.now()
    const id = newId()
    try {
      await db.transaction().execute(async (tx) => {
        await insertChannel(tx, {
          id,
          slug,
          title,
          description: input.description ?? '',
          visibility: input.visibility ?? 'public',
          join_policy: input.joinPolicy ?? 'open',
          reaction_set: null,
          production: null,
          archived_at: null,
          created_at: now,
          updated_at: now,
        })
        await insertMember(tx, { channelId: id, accountId: actorId, role: 'owner', at: now })
        await recordAudit(tx, {
          channelId: id,
          actorId,
          action: 'channel.created',
          details: { slug },
          at: now,
        })
      })
    } catch (error) {
      if (isUniqueViolation(error)) fail('slug-taken', `The address "${slug}" is taken.`)
      throw error
    }
    return get(slug, actorId)
  }

  /**
   * The channel as `viewerId` (or an anonymous visitor) sees it. Private channels are 404 to
   * outsiders; a banned account sees a public channel with `viewer.isBanned` but no private one.
   */
  async function get(slug: string, viewerId: string | null) {
    const access = await loadChannelAccess(db, slug, viewerId)
    if (!access || (access.channel.visibility === 'private' && !access.membership && !access.isBanned)) {
      fail('channel-not-found', `No channel "${slug}".`)
    }
    if (access.isBanned && access.channel.visibility === 'private') {
      fail('banned', `You are banned from "${access.channel.slug}".`)
    }
    return viewFor(db, access, publicUrl())
  }

  /** Public channels newest first, or (`member: 'me'`) the caller's channels, latest joined first. */
  async function list(viewerId: string | null, query: PageRequest & { member?: 'me' }) {
    const limit = query.limit ?? 20
    if (query.member === 'me') {
      if (!viewerId) fail('unauthenticated', 'Log in to list your channels.')
      const after = myChannelCursor.decodeOptional(query.cursor)
      const rows = await listMemberChannels(db, viewerId, after, limit)
      const mine = toPage(rows, limit, (r) =>
        myChannelCursor.encode({ joinedAt: r.my_joined_at, channelId: r.id }),
      )
      return mapPage(mine, await listItemsOf(mine.items))
    }
    const before = publicChannelCursor.decodeOptional(query.cursor)?.id ?? null
    const rows = await listPublicChannels(db, before, limit)
    const page = toPage(rows, limit, (r) => publicChannelCursor.encode({ id: r.id }))
    return mapPage(page, await listItemsOf(page.items))
  }

  /** The presenter of a page of list rows, with their avatars looked up in one query. */
  async function listItemsOf<R extends ChannelWithCount>(rows: R[]) {
    const ids = rows.map((r) => r.id)
    const avatars = await loadAvatarViews(db, ids, publicUrl())
    return (row: R) => toChannelListItem(row, avatars.get(row.id) ?? null)
  }

  /**
   * Changes settings (admin+); appends `channel.updated` with the public view and an audit entry.
   * `avatarMediaId` sets, replaces or (null) removes the avatar (avatar.ts); a replaced avatar's
   * files are deleted after commit.
   */
  async function update(slug: string, actorId: string, input: UpdateChannelInput) {
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
  async function setArchived(slug: string, actorId: string, archived: boolean) {
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

  /**
   * Deletes the channel and everything in it (owner only): its posts, events and album images and
   * its avatar (media rows in the transaction, files after commit). After commit every member's
   * live subscriptions are ended with reason 'channel-deleted'.
   */
  async function remove(slug: string, actorId: string): Promise<void> {
    const { channelId, members, media } = await db.transaction().execute(async (tx) => {
      const access = await requirePermission(tx, slug, actorId, 'channel.delete')
      const members = await memberAccountIds(tx, access.channel.id)
      const avatarId = await findAvatarMediaId(tx, access.channel.id)
      const albumMediaIds = await deps.listContentMediaIds(tx, access.channel.id)
      await deleteChannel(tx, access.channel.id) // posts, album and avatar links cascade
      const media = await deleteMediaRows(tx, avatarId ? [avatarId, ...albumMediaIds] : albumMediaIds)
      return { channelId: access.channel.id, members, media }
    })
    await deleteFilesOfDeletedRows(mediaFiles, media)
    await scrubErasedContent(db)
    for (const accountId of members) {
      await eventLog.publishAccessChange({ channelId, accountId, reason: 'channel-deleted' })
    }
  }

  /** The audit log, newest first (owner and admins). */
  async function auditLog(slug: string, actorId: string, page: PageRequest) {
    const access = await requirePermission(db, slug, actorId, 'audit.read')
    const limit = page.limit ?? 20
    const before = auditCursor.decodeOptional(page.cursor)?.id ?? null
    const rows = await listAuditEntries(db, access.channel.id, before, limit)
    return mapPage(
      toPage(rows, limit, (r) => auditCursor.encode({ id: r.id })),
      toAuditEntryView,
    )
  }

  return {
    create,
    get,
    list,
    update,
    setArchived,
    remove,
    auditLog,
    members: createMembershipService(deps),
    roles: createRoleService(deps),
    invites: createInviteService(deps),
    requests: createJoinRequestService(deps),
    bans: createBanService(deps),
  }
}

export type ChannelService = ReturnType<typeof createChannelService>
