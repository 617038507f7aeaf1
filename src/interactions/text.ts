import { fail } from '../errors.js'

// C0 controls other than tab, newline and carriage return, DEL and C1 controls: invisible, and NUL
// cannot be stored by PostgreSQL at all (same rule as post text, src/posts/text.ts).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Trims a fan- or creator-written text (question, option, answer) and checks it is 1–`max`
 * characters (code points) of real text. `field` is the JSON pointer named in the problem.
 */
export function checkText(value: string, field: string, max: number): string {
  const text = value.trim()
  const refuse = (message: string): never =>
    fail('validation', `Invalid body: ${field}: ${message}.`, { errors: [{ field, message }] })
  if (text === '') refuse('must not be empty')
  if ([...text].length > max) refuse(`must be at most ${max} characters`)
  if (CONTROL.test(text)) refuse('must not contain control characters')
  if (LONE_SURROGATE.test(text)) refuse('must be well-formed Unicode')
  return text
}
