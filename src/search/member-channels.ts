import { sql } from 'kysely'

/** The channels `accountId` belongs to and is not banned from, as a subquery of `channel_id`. */
export function memberChannels(accountId: string) {
  return sql`SELECT m.channel_id FROM channel_member m WHERE m.account_id = ${accountId}
    AND NOT EXISTS (SELECT 1 FROM channel_ban b WHERE b.channel_id = m.channel_id AND b.account_id = m.account_id)`
}
