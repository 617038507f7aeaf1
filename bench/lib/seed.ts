import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { newId } from '../../src/util/ids.js'

/**
 * An account `owner` and a public, open channel it owns, written straight into the database: the
 * start of a benchmark's data set, without the API's cost (benchmarks seed thousands of rows).
 */
export async function seedOwnedChannel(
  db: Kysely<Database>,
  channel: { slug: string; title: string },
  now = Date.now(),
): Promise<{ ownerId: string; channelId: string }> {
  const ownerId = newId()
  const channelId = newId()
  await db
    .insertInto('account')
    .values({
      id: ownerId,
      handle: 'owner',
      display_name: 'Owner',
      password_hash: null,
      email: null,
      created_at: now,
    })
    .execute()
  await db
    .insertInto('channel')
    .values({
      id: channelId,
      slug: channel.slug,
      title: channel.title,
      description: '',
      visibility: 'public',
      join_policy: 'open',
      reaction_set: null,
      production: null,
      archived_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute()
  await db
    .insertInto('channel_member')
    .values({ channel_id: channelId, account_id: ownerId, role: 'owner', joined_at: now })
    .execute()
  return { ownerId, channelId }
}
