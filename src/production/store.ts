import type { DbOrTx } from '../db/database.js'
import type { PostProductionRow } from '../db/schema.js'
import type { CleanTags } from './tags.js'

/** Plain queries over `post_production` and `channel.production`; rules live in tags.ts / service.ts. */

/** Replaces a post's tags (null removes them). */
export async function saveTags(
  db: DbOrTx,
  channelId: string,
  postId: string,
  tags: CleanTags | null,
): Promise<void> {
  await db.deleteFrom('post_production').where('post_id', '=', postId).execute()
  if (!tags) return
  await db
    .insertInto('post_production')
    .values({
      post_id: postId,
      channel_id: channelId,
      week_from: tags.weekFrom,
      week_to: tags.weekTo,
      chapters: JSON.stringify(tags.chapters),
      location: tags.location,
      unit: tags.unit,
    })
    .execute()
}

export async function tagsByPost(
  db: DbOrTx,
  postIds: readonly string[],
): Promise<Map<string, PostProductionRow>> {
  if (postIds.length === 0) return new Map()
  const rows = await db.selectFrom('post_production').selectAll().where('post_id', 'in', postIds).execute()
  return new Map(rows.map((r) => [r.post_id, r]))
}

/** Highest chapter and week any post of the channel is tagged with (to refuse shrinking below them). */
export async function tagExtent(db: DbOrTx, channelId: string): Promise<{ chapter: number; week: number }> {
  const rows = await db
    .selectFrom('post_production')
    .innerJoin('post', 'post.id', 'post_production.post_id')
    .select(['post_production.chapters', 'post_production.week_to'])
    .where('post_production.channel_id', '=', channelId)
    .where('post.status', '!=', 'deleted')
    .execute()
  let chapter = 0
  let week = 0
  for (const row of rows) {
    for (const n of JSON.parse(row.chapters) as number[]) chapter = Math.max(chapter, n)
    week = Math.max(week, row.week_to ?? 0)
  }
  return { chapter, week }
}

export async function setChannelProduction(
  db: DbOrTx,
  channelId: string,
  production: string | null,
  now: number,
) {
  return db
    .updateTable('channel')
    .set({ production, updated_at: now })
    .where('id', '=', channelId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Erases a deleted post's production part in its delete transaction: its tags (a location is
 * content) and its press preview links (their labels name what the post was about; a preview of a
 * deleted post opens nothing anyway).
 */
export async function erasePostProduction(tx: DbOrTx, postId: string): Promise<void> {
  await tx.deleteFrom('post_production').where('post_id', '=', postId).execute()
  await tx.deleteFrom('press_preview').where('post_id', '=', postId).execute()
  await tx.deleteFrom('press_kit').where('post_id', '=', postId).execute()
}
