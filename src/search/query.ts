import { fail } from '../errors.js'

/**
 * What a person types, turned into terms both engines can match (issue 19). Only runs of letters
 * and digits survive, lower-cased: no operator, quote or column filter of FTS5 or tsquery syntax can
 * reach an engine from a query, and both engines see the same words whatever was typed.
 */

/** Most characters a query may have (the route's schema refuses longer ones). */
export const QUERY_MAX_LENGTH = 200
/** Terms beyond this many are ignored: each term is one more index lookup. */
export const TERMS_MAX = 8
/** A term longer than this is cut (no word is longer; a longer run is not a word). */
const TERM_MAX_LENGTH = 64

const WORD = /[\p{L}\p{N}]+/gu

/** The distinct terms of `q`, in order; refuses (422 `validation` on `/q`) a query without any. */
export function parseTerms(q: string, field = '/q'): string[] {
  const terms = termsOf(q)
  if (terms.length === 0) invalidQuery(field, 'must contain at least one letter or digit')
  return terms
}

/** The distinct terms of `q`, in order; none when it has no letter or digit. */
export function termsOf(q: string): string[] {
  const terms: string[] = []
  for (const match of q.normalize('NFC').toLowerCase().matchAll(WORD)) {
    const term = match[0].slice(0, TERM_MAX_LENGTH)
    if (!terms.includes(term)) terms.push(term)
    if (terms.length === TERMS_MAX) break
  }
  return terms
}

/** The 422 `validation` problem for one query field (the route's schema checked its shape). */
export function invalidQuery(field: string, message: string): never {
  fail('validation', `Invalid query: ${field.slice(1)} ${message}.`, { errors: [{ field, message }] })
}

/** The words of `text` with their UTF-16 offsets, as `parseTerms` splits a query. */
export function wordsOf(text: string): { word: string; start: number; end: number }[] {
  return [...text.matchAll(WORD)].map((m) => ({
    word: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length,
  }))
}
