import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { PostRecord, PublicPostParts } from '../posts/index.js'

/**
 * The interactions area's facts for the public surfaces (PostHooks.hydratePublic; presented by
 * reads/present.ts): a poll's or prompt's question, and the post's reaction total — every
 * reaction kept, as the public pages have always counted them (the app's counts, counts.ts,
 * count current members only).
 */

export interface QuestionRow {
  post_id: string
  question: string
  options: string | null
}

/** Total reactions per post. */
export async function reactionTotals(db: DbOrTx, postIds: readonly string[]): Promise<Map<string, number>> {
  if (postIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('post_reaction')
    .select(['post_id', sql<number>`count(*)`.as('n')])
    .where('post_id', 'in', postIds)
    .groupBy('post_id')
    .execute()
  return new Map(rows.map((r) => [r.post_id, Number(r.n)]))
}

/** Poll and prompt questions (and poll options, JSON) of these posts. */
export async function questionsByPost(
  db: DbOrTx,
  postIds: readonly string[],
): Promise<Map<string, QuestionRow>> {
  if (postIds.length === 0) return new Map()
  const [polls, prompts] = await Promise.all([
    db
      .selectFrom('poll')
      .select(['post_id', 'question', 'options'])
      .where('post_id', 'in', postIds)
      .execute(),
    db.selectFrom('prompt').select(['post_id', 'question']).where('post_id', 'in', postIds).execute(),
  ])
  const map = new Map<string, QuestionRow>()
  for (const p of polls) map.set(p.post_id, p)
  for (const p of prompts) map.set(p.post_id, { ...p, options: null })
  return map
}

/** Adds `question` and `reactions` to a page of posts' public parts. */
export async function hydratePublicInteractions(
  db: DbOrTx,
  posts: readonly PostRecord[],
  parts: PublicPostParts[],
): Promise<void> {
  const ids = posts.map((p) => p.id)
  const [questions, reactions] = await Promise.all([questionsByPost(db, ids), reactionTotals(db, ids)])
  posts.forEach((post, i) => {
    const part = parts[i]!
    part.question = questions.get(post.id)
    part.reactions = reactions.get(post.id) ?? 0
  })
}
