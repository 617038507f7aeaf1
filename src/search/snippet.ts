import { wordsOf } from './query.js'

/** A piece of a post's text around what matched, with the ranges to highlight. */
export interface Snippet {
  /** Plain text: clients escape it like any post text. */
  text: string
  /** UTF-16 offsets into `text` of each matched word, `end` exclusive, in order. */
  highlights: { start: number; end: number }[]
}

const BEFORE = 60
const LENGTH = 200

/**
 * The snippet of `text` for `terms`: about 200 characters starting a little before the first word
 * that matches (a word matches a term it starts with, as the engines' prefix queries do). Built
 * here from the plain text rather than by the engines' snippet functions so that both dialects give
 * the same answer and no markup is ever produced: the client draws the highlights.
 */
export function snippetOf(text: string, terms: readonly string[]): Snippet | null {
  if (text.length === 0) return null
  const words = wordsOf(text)
  const matches = (word: string) => terms.some((term) => word.startsWith(term))
  const first = words.find((w) => matches(w.word))
  let start = first ? Math.max(0, first.start - BEFORE) : 0
  // Start at a word boundary rather than inside a word.
  if (start > 0) start = words.find((w) => w.start >= start)?.start ?? start
  const end = Math.min(text.length, start + LENGTH)
  const prefix = start > 0 ? '…' : ''
  const suffix = end < text.length ? '…' : ''
  const highlights = words
    .filter((w) => w.start >= start && w.end <= end && matches(w.word))
    .map((w) => ({ start: w.start - start + prefix.length, end: w.end - start + prefix.length }))
  return { text: prefix + text.slice(start, end) + suffix, highlights }
}
