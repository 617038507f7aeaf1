import { sql } from 'kysely'
import type { SearchEngine } from './engine.js'
import { memberChannels } from './member-channels.js'

/**
 * PostgreSQL full-text search (migration 0018): `search_post.open_doc` (tags weight A, open text B)
 * and `full_doc` (the same plus hidden text), stored tsvector columns with GIN indexes, and an
 * expression GIN index over channel title (A) and description (B). The 'simple' configuration
 * (no stemming) matches FTS5's unicode61 tokenizer word for word. Each term is a prefix lexeme
 * ('term':*), ORed; ts_rank scores.
 */
const tsquery = (terms: readonly string[]) =>
  sql`to_tsquery('simple', ${terms.map((t) => `'${t}':*`).join(' | ')})`

/** Written exactly as the index `channel_search_doc` of migration 0018, so the planner uses it. */
const channelDoc = sql`(setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B'))`

export const pgEngine: SearchEngine = {
  postMatches(terms, hidden, now) {
    const q = tsquery(terms)
    if (hidden.kind === 'all') {
      return sql`(SELECT doc_id, ts_rank(full_doc, ${q}) AS score FROM search_post WHERE full_doc @@ ${q})`
    }
    // Hidden words count where the spoilers lifted, and in the member's own channels.
    const lifted = sql`(lifts_at IS NOT NULL AND lifts_at <= ${now})`
    const may =
      hidden.kind === 'none'
        ? lifted
        : sql`(${lifted} OR channel_id IN (${memberChannels(hidden.accountId)}))`
    return sql`(SELECT doc_id,
        CASE WHEN ${may} THEN ts_rank(full_doc, ${q}) ELSE ts_rank(open_doc, ${q}) END AS score
      FROM search_post WHERE open_doc @@ ${q} OR (full_doc @@ ${q} AND ${may}))`
  },
  channelMatches(terms) {
    const q = tsquery(terms)
    return sql`(SELECT id AS channel_id, ts_rank(${channelDoc}, ${q}) AS score FROM channel WHERE ${channelDoc} @@ ${q})`
  },
  productionKind: () => sql`(c.production::json ->> 'kind')`,
}
