import type { DbOrTx } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'

/** The few reads live delivery makes outside the event log; none of them runs per event or per subscriber. */
export async function findChannelBySlug(db: DbOrTx, slug: string): Promise<ChannelRow | undefined> {
  return db.selectFrom('channel').selectAll().where('slug', '=', slug.toLowerCase()).executeTakeFirst()
}

/** The channel's last committed sequence (0 for a missing channel). */
export async function readLastSeq(db: DbOrTx, channelId: string): Promise<number> {
  const row = await db.selectFrom('channel').select('last_seq').where('id', '=', channelId).executeTakeFirst()
  return row?.last_seq ?? 0
}

/** The id of the channel's event at `seq`; undefined when there is none (never written, or pruned). */
export async function readEventIdAt(db: DbOrTx, channelId: string, seq: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('channel_event')
    .select('id')
    .where('channel_id', '=', channelId)
    .where('seq', '=', seq)
    .executeTakeFirst()
  return row?.id
}

/**
 * Last committed sequences of several channels, for the heartbeat's lost-tail check, and whether
 * each is suspended (a suspension made where this node's bus does not reach, e.g. from the CLI
 * without Redis, still ends the channel's streams within a heartbeat).
 */
export async function readChannelHeads(
  db: DbOrTx,
  channelIds: string[],
): Promise<Map<string, { lastSeq: number; isSuspended: boolean }>> {
  const result = new Map<string, { lastSeq: number; isSuspended: boolean }>()
  // Chunked to stay under SQLite's bound-parameter limit.
  for (let i = 0; i < channelIds.length; i += 500) {
    const rows = await db
      .selectFrom('channel')
      .select(['id', 'last_seq', 'suspended_at'])
      .where('id', 'in', channelIds.slice(i, i + 500))
      .execute()
    for (const row of rows)
      result.set(row.id, { lastSeq: row.last_seq, isSuspended: row.suspended_at !== null })
  }
  return result
}

/** Which of `accountIds` are members of the channel (for re-checking streams when it turns private). */
export async function readMemberIds(db: DbOrTx, channelId: string, accountIds: string[]): Promise<string[]> {
  const members: string[] = []
  for (let i = 0; i < accountIds.length; i += 500) {
    const rows = await db
      .selectFrom('channel_member')
      .select('account_id')
      .where('channel_id', '=', channelId)
      .where('account_id', 'in', accountIds.slice(i, i + 500))
      .execute()
    for (const row of rows) members.push(row.account_id)
  }
  return members
}
