import { sql } from 'kysely'
import type { SearchEngine } from './engine.js'
import { memberChannels } from './member-channels.js'

/**
 * SQLite FTS5 (migration 0018): `search_post_fts` (tags_text, open_text, hidden_text) over
 * `search_post`, and `channel_fts` (channel_id, title, description). Each term is a quoted prefix
 * query ("term"*), ORed; bm25 weighs tags 3, text 1, and a channel's title 4, description 1.
 */
const anyTerm = (terms: readonly string[]) => terms.map((t) => `"${t}"*`).join(' OR ')
const openOnly = (terms: readonly string[]) => `{tags_text open_text} : (${anyTerm(terms)})`
const postScore = sql`-bm25(search_post_fts, 3.0, 1.0, 1.0)`

export const sqliteEngine: SearchEngine = {
  postMatches(terms, hidden, now) {
    if (hidden.kind === 'all') {
      return sql`(SELECT rowid AS doc_id, ${postScore} AS score FROM search_post_fts
        WHERE search_post_fts MATCH ${anyTerm(terms)})`
    }
    const open = sql`SELECT rowid AS doc_id, ${postScore} AS score FROM search_post_fts
      WHERE search_post_fts MATCH ${openOnly(terms)}`
    // Hidden words count where the spoilers lifted, and in the member's own channels.
    const lifted = sql`(d.lifts_at IS NOT NULL AND d.lifts_at <= ${now})`
    const may =
      hidden.kind === 'none'
        ? lifted
        : sql`(${lifted} OR d.channel_id IN (${memberChannels(hidden.accountId)}))`
    // The best score of the two matches.
    return sql`(SELECT doc_id, MAX(score) AS score FROM (
      ${open}
      UNION ALL
      SELECT f.rowid AS doc_id, ${postScore} AS score FROM search_post_fts f
        JOIN search_post d ON d.doc_id = f.rowid
        WHERE search_post_fts MATCH ${anyTerm(terms)} AND ${may}
    ) GROUP BY doc_id)`
  },
  channelMatches(terms) {
    return sql`(SELECT channel_id, -bm25(channel_fts, 0.0, 4.0, 1.0) AS score FROM channel_fts
      WHERE channel_fts MATCH ${`{title description} : (${anyTerm(terms)})`})`
  },
  productionKind: () => sql`json_extract(c.production, '$.kind')`,
}
