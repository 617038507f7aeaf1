import { cursorCodec } from '../util/pagination.js'

/**
 * The keys the channel lists are sorted by, as cursors (util/pagination.ts). Ids are ULIDs, which
 * grow with time: a list by id is a list by creation.
 */
export const publicChannelCursor = cursorCodec({ id: 'id' })
export const myChannelCursor = cursorCodec({ joinedAt: 'int', channelId: 'id' })
export const memberCursor = cursorCodec({ joinedAt: 'int', accountId: 'id' })
export const joinRequestCursor = cursorCodec({ createdAt: 'int', accountId: 'id' })
export const banCursor = cursorCodec({ createdAt: 'int', accountId: 'id' })
export const inviteCursor = cursorCodec({ id: 'id' })
export const auditCursor = cursorCodec({ id: 'id' })
/**
 * Channels matching a search (`?q=`): an offset into the ranking, which has no stable key to page by
 * (search/service.ts caps how deep it goes).
 */
export const matchCursor = cursorCodec({ offset: 'int' })
