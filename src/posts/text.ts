import { invalidField } from '../channels/index.js'
import type { PostKind } from '../db/schema.js'
import { SPOILER_LABEL_MAX, TEXT_MAX } from './schemas.js'

// C0 controls other than tab, newline and carriage return, DEL and C1 controls: invisible, and NUL
// cannot be stored by PostgreSQL at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/
// A surrogate half without its partner is not text; PostgreSQL's UTF-8 cannot hold it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function invalid(field: string, message: string): never {
  invalidField(`/${field}`, message)
}

function checkCharacters(value: string, field: string): void {
  if (CONTROL.test(value)) invalid(field, 'must not contain control characters')
  if (LONE_SURROGATE.test(value)) invalid(field, 'must be well-formed Unicode')
}

/** Trims a post's text and checks it is 1–4096 characters (code points) of real text. */
export function cleanPostText(value: string): string {
  const text = value.trim()
  if (text === '') invalid('text', 'must not be empty')
  if ([...text].length > TEXT_MAX) invalid('text', `must be at most ${TEXT_MAX} characters`)
  checkCharacters(text, 'text')
  return text
}

/** Trims a spoiler label; an empty label means none. */
export function cleanSpoilerLabel(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const label = value.trim()
  if (label === '') return null
  if ([...label].length > SPOILER_LABEL_MAX)
    invalid('spoilerLabel', `must be at most ${SPOILER_LABEL_MAX} characters`)
  checkCharacters(label, 'spoilerLabel')
  return label
}

/**
 * Trims a short text field of an album image (alt text, credit: `field` is its JSON pointer) and
 * checks it is at most `max` characters of real text. May be empty.
 */
export function cleanFieldText(value: string, field: string, max: number): string {
  const text = value.trim()
  if ([...text].length > max) invalid(field.slice(1), `must be at most ${max} characters`)
  checkCharacters(text, field.slice(1))
  return text
}

/** An edited caption: albums, polls and prompts may drop theirs (empty text); text posts may not. */
export function cleanEditedText(value: string, kind: PostKind): string {
  return kind !== 'text' && value.trim() === '' ? '' : cleanPostText(value)
}
