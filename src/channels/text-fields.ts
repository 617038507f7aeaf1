/**
 * Checks of short user-written text fields (labels, titles, intros) with the same 422 as schema
 * validation. Channels' production facts are their lowest user; posts' scheduling and production's
 * tags, digests and previews, above it, use them from here. Not in util/: they fail with a problem
 * code (errors.ts), which the kernel's lowest folder does not import.
 */
import { fail } from '../errors.js'

// C0 and C1 controls (tab and newlines included: these are one-line labels) and lone surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A 422 naming the field, in the same shape as schema validation errors. */
export function invalidField(field: string, message: string): never {
  fail('validation', `Invalid body: ${field}: ${message}.`, {
    errors: [{ field, message }],
  })
}

/** Trims a one-line label; empty means none. Refuses control characters and broken Unicode. */
export function cleanLine(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null
  const line = value.trim()
  if (line === '') return null
  if (CONTROL.test(line)) invalidField(field, 'must be one line without control characters')
  if (LONE_SURROGATE.test(line)) invalidField(field, 'must be well-formed Unicode')
  return line
}

/** Multi-line text (digest intros): like cleanLine, but newlines and tabs are allowed. */
export function cleanText(value: string | undefined, field: string): string {
  const text = (value ?? '').trim()
  const withoutBreaks = text.replace(/[\t\n\r]/g, ' ')
  if (CONTROL.test(withoutBreaks)) invalidField(field, 'must not contain control characters')
  if (LONE_SURROGATE.test(text)) invalidField(field, 'must be well-formed Unicode')
  return text
}
