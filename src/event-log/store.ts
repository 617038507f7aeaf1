import type { DbOrTx } from '../db/database.js'
import type { LoggedEvent } from './event-log.js'
import { encodeEventFrame } from './frames.js'

export async function readEvents(
  db: DbOrTx,
  channelId: string,
  afterSeq: number,
  limit: number,
  epoch: string,
): Promise<LoggedEvent[]> {
  const rows = await db
    .selectFrom('channel_event')
    .innerJoin('channel', 'channel.id', 'channel_event.channel_id')
    .select([
      'channel_event.seq',
      'channel_event.id',
      'channel_event.type',
      'channel_event.data',
      'channel_event.created_at',
      'channel.slug',
    ])
    .where('channel_event.channel_id', '=', channelId)
    .where('channel_event.seq', '>', afterSeq)
    .orderBy('channel_event.seq', 'asc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    channelId,
    channelSlug: r.slug,
    seq: r.seq,
    id: r.id,
    type: r.type,
    at: r.created_at,
    frame: encodeEventFrame({
      channel: r.slug,
      epoch,
      seq: r.seq,
      id: r.id,
      type: r.type,
      at: r.created_at,
      data: r.data,
    }),
  }))
}
