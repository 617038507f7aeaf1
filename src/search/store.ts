import { sql } from 'kysely'
import { type DbOrTx, isPostgres } from '../db/database.js'
import type { PostKind, SearchPostTable } from '../db/schema.js'
import type { HiddenRule, SearchEngine } from './engine.js'
import { memberChannels } from './member-channels.js'

/** Search documents and the queries over them; plain queries, the service decides who sees what. */

export type SearchDocument = Omit<SearchPostTable, 'doc_id'>

export async function insertDocument(db: DbOrTx, doc: SearchDocument): Promise<void> {
  await db.insertInto('search_post').values(doc).execute()
}

/**
 * Writes a post's document, replacing the one it had. PostgreSQL: one upsert (a round trip, not a
 * delete and an insert; its generated columns follow the row). SQLite: delete then insert, which
 * its FTS5 triggers are written for, and round trips cost nothing there.
 */
export async function replaceDocument(db: DbOrTx, doc: SearchDocument): Promise<void> {
  if (!isPostgres(db)) {
    await deleteDocument(db, doc.post_id)
    await insertDocument(db, doc)
    return
  }
  const { post_id: _key, ...columns } = doc
  await db
    .insertInto('search_post')
    .values(doc)
    .onConflict((oc) =>
      oc
        .column('post_id')
        .doUpdateSet((eb) =>
          Object.fromEntries(
            Object.keys(columns).map((c) => [c, eb.ref(`excluded.${c}` as 'excluded.kind')]),
          ),
        ),
    )
    .execute()
}

/** Removes a post's document (SQLite's trigger removes its words from the FTS5 index with it). */
export async function deleteDocument(db: DbOrTx, postId: string): Promise<void> {
  await db.deleteFrom('search_post').where('post_id', '=', postId).execute()
}

/** Filters of a post search; absent ones do not narrow it. */
export interface PostFilters {
  kind?: PostKind
  authorId?: string
  week?: number
  chapter?: number
  location?: string
  unit?: string
  /** Only posts whose text has a link (the app's Links tab). */
  hasLink?: boolean
}

/**
 * Where a search looks: one channel the caller may read (checked by the service), or every channel
 * a search across channels shows — public ones that are listed (not hidden by an operator) and the
 * viewer's own, never suspended ones.
 */
export type PostScope = { channelId: string } | { viewerId: string | null }

export interface PostHit {
  post_id: string
  score: number
  channel_slug: string
  channel_title: string
  kind: PostKind
  author_handle: string
  author_name: string
  published_at: number
  is_spoiler: number
  spoiler_label: string | null
  open_text: string
  hidden_text: string
  lifts_at: number | null
}

/** One page of matching posts, best first (then newest), `limit + 1` rows from `offset`. */
export async function searchPosts(
  db: DbOrTx,
  engine: SearchEngine,
  query: {
    terms: readonly string[]
    hidden: HiddenRule
    now: number
    scope: PostScope
    filters: PostFilters
  },
  offset: number,
  limit: number,
): Promise<PostHit[]> {
  const { scope, filters } = query
  let q = db
    .selectFrom(engine.postMatches(query.terms, query.hidden, query.now).as('m'))
    .innerJoin('search_post as d', 'd.doc_id', 'm.doc_id')
    .innerJoin('post as p', 'p.id', 'd.post_id')
    .innerJoin('channel as c', 'c.id', 'd.channel_id')
    .innerJoin('account as a', 'a.id', 'd.author_id')
    .select([
      'd.post_id',
      'm.score',
      'c.slug as channel_slug',
      'c.title as channel_title',
      'd.kind',
      'a.handle as author_handle',
      'a.display_name as author_name',
      'd.published_at',
      'd.is_spoiler',
      'd.spoiler_label',
      'd.open_text',
      'd.hidden_text',
      'd.lifts_at',
    ])
    // Only published posts have documents; the post's own status is checked again all the same.
    .where('p.status', '=', 'published')
    .where('c.suspended_at', 'is', null)
  if ('channelId' in scope) {
    q = q.where('d.channel_id', '=', scope.channelId)
  } else {
    const viewerId = scope.viewerId
    q = q.where((eb) => {
      const listed = eb.and([eb('c.visibility', '=', 'public'), eb('c.hidden_at', 'is', null)])
      return viewerId === null ? listed : eb.or([listed, sql<boolean>`c.id IN (${memberChannels(viewerId)})`])
    })
  }
  if (filters.kind) q = q.where('d.kind', '=', filters.kind)
  if (filters.authorId) q = q.where('d.author_id', '=', filters.authorId)
  if (filters.week !== undefined) {
    q = q.where('d.week_from', '<=', filters.week).where('d.week_to', '>=', filters.week)
  }
  if (filters.chapter !== undefined) q = q.where('d.chapters', 'like', `%,${filters.chapter},%`)
  if (filters.location !== undefined) q = q.where(sameText('d.location', filters.location))
  if (filters.unit !== undefined) q = q.where(sameText('d.unit', filters.unit))
  if (filters.hasLink) q = q.where('d.has_link', '=', 1)
  const rows = await q
    .orderBy('m.score', 'desc')
    .orderBy('d.published_at', 'desc')
    .orderBy('d.doc_id', 'desc')
    .limit(limit + 1)
    .offset(offset)
    .execute()
  return rows.map((r) => ({
    ...r,
    score: Number(r.score),
    published_at: Number(r.published_at),
    lifts_at: r.lifts_at === null ? null : Number(r.lifts_at),
  }))
}

/**
 * Case-insensitive equality of a tag column (location, unit) and what a filter asked for (SQLite's
 * lower() folds ASCII letters only; PostgreSQL's every letter).
 */
function sameText(column: 'd.location' | 'd.unit', value: string) {
  return sql<boolean>`lower(${sql.ref(column)}) = lower(${value})`
}

/**
 * Public, listed, unsuspended channels whose title or description matches, best first;
 * `limit + 1` ids from `offset`. The match alone orders them: the directory puts featured channels
 * first only when it lists without a query.
 */
export async function searchChannelIds(
  db: DbOrTx,
  engine: SearchEngine,
  terms: readonly string[],
  offset: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom(engine.channelMatches(terms).as('m'))
    .innerJoin('channel as c', 'c.id', 'm.channel_id')
    .select('c.id')
    .where('c.visibility', '=', 'public')
    .where('c.suspended_at', 'is', null)
    .where('c.hidden_at', 'is', null)
    .orderBy('m.score', 'desc')
    .orderBy(sql`c.id`, 'desc')
    .limit(limit + 1)
    .offset(offset)
    .execute()
  return rows.map((r) => r.id)
}
