import type { RawBuilder } from 'kysely'
import { type DbOrTx, isPostgres } from '../db/database.js'
import { pgEngine } from './pg-engine.js'
import { sqliteEngine } from './sqlite-engine.js'

/**
 * Which hidden text (a spoiler's words, spoiler images' alt text) a search may match:
 * none (outsiders), all (members of the one channel searched), or only in the channels the account
 * belongs to (a search across channels). Whatever the rule, the hidden text of a document whose
 * spoilers have lifted (`lifts_at` ≤ now: its chapters aired) matches for everyone, as the post's
 * pages show it to everyone from then on.
 */
export type HiddenRule = { kind: 'none' } | { kind: 'all' } | { kind: 'member-channels'; accountId: string }

/**
 * The one place the two databases differ for search (issue 19): each engine turns terms into its
 * own full-text query and returns a derived table the rest of the search reads alike.
 * Terms come from query.ts (letters and digits only); a document matches when any term is a prefix
 * of one of its words, and `score` is higher for a better match: FTS5's bm25 (negated, since bm25
 * is lower for better) or PostgreSQL's ts_rank. Tags weigh more than text, a channel title more
 * than its description, so a document matching every term, or matching in its title, ranks above
 * one matching fewer or only in its body.
 */
export interface SearchEngine {
  /** `(doc_id, score)` of the search documents matching any of `terms` under `hidden` at time `now`. */
  postMatches(
    terms: readonly string[],
    hidden: HiddenRule,
    now: number,
  ): RawBuilder<{ doc_id: number; score: number }>
  /** `(channel_id, score)` of the channels whose title or description matches any of `terms`. */
  channelMatches(terms: readonly string[]): RawBuilder<{ channel_id: string; score: number }>
  /** The production kind (series, film, tour, other) of channel `c`, from its JSON facts; null without. */
  productionKind(): RawBuilder<string | null>
}

export function engineFor(db: DbOrTx): SearchEngine {
  return isPostgres(db) ? pgEngine : sqliteEngine
}
