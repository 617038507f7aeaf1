import type { Insertable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { ChannelAvatarTable, ChannelRow } from '../db/schema.js'
import { type MediaFile, mediaFileColumns } from '../media/index.js'

/** Plain queries over `channel_avatar` (which upload is a channel's avatar); no policy here. */

/** A channel's avatar link with the pixels and files of its media. */
export interface AvatarRecord extends MediaFile {
  channel_id: string
  media_id: string
}

export async function findAvatarMediaId(db: DbOrTx, channelId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('channel_avatar')
    .select('media_id')
    .where('channel_id', '=', channelId)
    .executeTakeFirst()
  return row?.media_id
}

/** The channel whose avatar the media item is, if any. `media_id` is unique in channel_avatar. */
export async function findAvatarChannel(db: DbOrTx, mediaId: string): Promise<ChannelRow | undefined> {
  return db
    .selectFrom('channel_avatar')
    .innerJoin('channel', 'channel.id', 'channel_avatar.channel_id')
    .selectAll('channel')
    .where('channel_avatar.media_id', '=', mediaId)
    .executeTakeFirst()
}

/**
 * Takes the channel row's lock for the rest of the transaction (PostgreSQL) with a no-op write, so
 * two avatar changes of one channel run one after the other and the second sees the first's
 * avatar. SQLite has a single writer, which gives the same guarantee.
 */
export async function lockChannelRow(db: DbOrTx, channelId: string): Promise<void> {
  await db
    .updateTable('channel')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', channelId)
    .execute()
}

/** The avatars of these channels (those that have one), in one query. */
export async function listAvatars(db: DbOrTx, channelIds: readonly string[]): Promise<AvatarRecord[]> {
  if (channelIds.length === 0) return []
  return db
    .selectFrom('channel_avatar')
    .innerJoin('media', 'media.id', 'channel_avatar.media_id')
    .select(['channel_avatar.channel_id', 'channel_avatar.media_id', ...mediaFileColumns])
    .where('channel_avatar.channel_id', 'in', channelIds)
    .execute()
}

export async function insertAvatarLink(db: DbOrTx, row: Insertable<ChannelAvatarTable>): Promise<void> {
  await db.insertInto('channel_avatar').values(row).execute()
}

export async function deleteAvatarLink(db: DbOrTx, channelId: string): Promise<void> {
  await db.deleteFrom('channel_avatar').where('channel_id', '=', channelId).execute()
}
