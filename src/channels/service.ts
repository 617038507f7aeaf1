import { type Db, type DbOrTx, isUniqueViolation } from '../db/database.js'
import { fail } from '../errors.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { Clock } from '../util/clock.js'
import { newId } from '../util/ids.js'
import { mapPage, type Page, toPage } from '../util/pagination.js'
import { assertNotSuspended, loadChannelAccess, requirePermission } from './access.js'
import { listAuditEntries, recordAudit } from './audit.js'
import { loadAvatarViews } from './avatar.js'
import { type BanService, createBanService } from './bans.js'
import { auditCursor, matchCursor, myChannelCursor, publicChannelCursor } from './cursor.js'
import { deleteChannelAndContent } from './deletion.js'
import { createInviteService, type InviteService } from './invites.js'
import { createJoinRequestService, type JoinRequestService } from './join-requests.js'
import { insertMember } from './member-store.js'
import { createMembershipService, type MembershipService } from './members.js'
import { createOperatorService, type OperatorService } from './operators.js'
import { createRoleService, type RoleService } from './role-changes.js'
import { cleanTitle, normaliseSlug, viewFor } from './rules.js'
import type {
  AuditEntryViewT,
  ChannelListItemT,
  ChannelViewT,
  CreateChannelInput,
  UpdateChannelInput,
} from './schemas.js'
import { setChannelArchived, updateChannelSettings } from './settings.js'
import {
  type ChannelWithCount,
  findChannelBySlug,
  insertChannel,
  listChannelsByIds,
  listMemberChannels,
  listPublicChannels,
} from './store.js'
import { toAuditEntryView, toChannelListItem } from './views.js'

/**
 * The ids of the media a channel's content holds (its posts' album images), read inside the
 * deletion's transaction so they are deleted with the channel. Posts sit above channels, so the
 * posts area supplies it (src/context.ts wires posts/album-store.ts `listChannelAlbumMediaIds`).
 */
export type ChannelContentMedia = (tx: DbOrTx, channelId: string) => Promise<string[]>

/**
 * Full-text search over channel titles and descriptions (issue 19), above channels: the ids of the
 * public, listed channels matching `q`, best first, `limit + 1` from `offset`; refuses a `q`
 * without words (422 on `field`).
 */
export type ChannelMatcher = (q: string, offset: number, limit: number, field?: string) => Promise<string[]>

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
  matchChannels: ChannelMatcher
}

export interface PageRequest {
  cursor?: string
  limit?: number
}

/** A channel list: public channels, the caller's own (`member: 'me'`), or public ones matching `q`. */
export type ChannelListRequest = PageRequest & { member?: 'me'; q?: string }

/**
 * Channels, their settings, roles and membership. Every method authorises through access.ts, runs
 * its writes in one transaction with the matching audit entry and channel event, and publishes
 * events and access changes only after commit. The parts live beside this file: settings.ts,
 * deletion.ts, members.ts, role-changes.ts, invites.ts, join-requests.ts, bans.ts.
 */
export interface ChannelService {
  /**
   * Creates a channel owned by `actorId`; the slug is lower-cased and unique (`slug-taken`, also
   * when two creators race). Audited.
   */
  create(actorId: string, input: CreateChannelInput): Promise<ChannelViewT>
  /**
   * The channel as the viewer sees it: a private one is `channel-not-found` to outsiders and
   * `banned` to a banned account.
   */
  get(slug: string, viewerId: string | null): Promise<ChannelViewT>
  /**
   * Public channels newest first, or (`member: 'me'`; `unauthenticated` without a viewer) the
   * viewer's, latest joined first.
   */
  list(viewerId: string | null, query: ChannelListRequest): Promise<Page<ChannelListItemT>>
  /**
   * Changes settings and the avatar (channel.update); appends `channel.updated`, audited; going
   * private ends outsiders' streams.
   */
  update(slug: string, actorId: string, input: UpdateChannelInput): Promise<ChannelViewT>
  /**
   * Archives or unarchives (channel.archive); appends `channel.updated`, audited; the current state
   * again changes nothing.
   */
  setArchived(slug: string, actorId: string, archived: boolean): Promise<ChannelViewT>
  /**
   * Deletes the channel with its posts, events and media (channel.delete: owner); ends every
   * member's streams after commit.
   */
  remove(slug: string, actorId: string): Promise<void>
  /** The audit log, newest first (audit.read: owner and admins). */
  auditLog(slug: string, actorId: string, page: PageRequest): Promise<Page<AuditEntryViewT>>
  members: MembershipService
  roles: RoleService
  invites: InviteService
  requests: JoinRequestService
  bans: BanService
  /** Operators' suspension and hiding of whole channels (issue 17). */
  operators: OperatorService
}

export function createChannelService(deps: ChannelServiceDeps): ChannelService {
  const { db, clock, publicUrl } = deps

  async function create(actorId: string, input: CreateChannelInput): Promise<ChannelViewT> {
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

  // A banned account sees a public channel with `viewer.isBanned`, but no private one.
  async function get(slug: string, viewerId: string | null): Promise<ChannelViewT> {
    const access = await loadChannelAccess(db, slug, viewerId)
    if (access) assertNotSuspended(access, slug)
    if (!access || (access.channel.visibility === 'private' && !access.membership && !access.isBanned)) {
      fail('channel-not-found', `No channel "${slug}".`)
    }
    if (access.isBanned && access.channel.visibility === 'private') {
      fail('banned', `You are banned from "${access.channel.slug}".`)
    }
    return viewFor(db, access, publicUrl())
  }

  async function list(viewerId: string | null, query: ChannelListRequest): Promise<Page<ChannelListItemT>> {
    const limit = query.limit ?? 20
    if (query.q !== undefined) {
      if (query.member === 'me') {
        fail('validation', 'Invalid query: q cannot be combined with member=me.', {
          errors: [{ field: '/q', message: 'cannot be combined with member=me' }],
        })
      }
      const offset = matchCursor.decodeOptional(query.cursor)?.offset ?? 0
      const ids = await deps.matchChannels(query.q, offset, limit)
      const rows = await listChannelsByIds(db, ids)
      const page = toPage(rows, limit, () => matchCursor.encode({ offset: offset + limit }))
      return mapPage(page, await listItemsOf(page.items))
    }
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

  async function auditLog(slug: string, actorId: string, page: PageRequest): Promise<Page<AuditEntryViewT>> {
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
    update: (slug, actorId, input) => updateChannelSettings(deps, slug, actorId, input),
    setArchived: (slug, actorId, archived) => setChannelArchived(deps, slug, actorId, archived),
    remove: (slug, actorId) => deleteChannelAndContent(deps, slug, actorId),
    auditLog,
    members: createMembershipService(deps),
    roles: createRoleService(deps),
    invites: createInviteService(deps),
    requests: createJoinRequestService(deps),
    bans: createBanService(deps),
    operators: createOperatorService(deps),
  }
}
