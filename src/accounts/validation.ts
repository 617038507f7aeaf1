import { type FieldError, fail } from '../errors.js'
import { normalizePassword } from './passwords.js'

/**
 * Account field rules, applied by the service so the CLI gets them too (the HTTP schemas repeat
 * the simple bounds for the OpenAPI document).
 */
export const HANDLE_PATTERN = '^[A-Za-z0-9_]{3,30}$'
export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 256
export const DISPLAY_NAME_MAX = 64

/** Returns the handle lower-cased: handles are unique regardless of case. */
export function checkHandle(handle: string): string {
  if (!new RegExp(HANDLE_PATTERN).test(handle)) {
    invalid('/handle', 'must be 3–30 characters: letters a–z, digits and _')
  }
  return handle.toLowerCase()
}

/** Returns the display name trimmed. */
export function checkDisplayName(displayName: string): string {
  const trimmed = displayName.trim()
  // Control characters would let a name fake line breaks in the UI, logs and feeds.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) invalid('/displayName', 'must not contain control characters')
  const length = [...trimmed].length
  if (length < 1 || length > DISPLAY_NAME_MAX) {
    invalid('/displayName', `must be 1–${DISPLAY_NAME_MAX} characters (not only spaces)`)
  }
  return trimmed
}

/** Length in code points of the NFC form, the form that is hashed. */
export function checkPassword(password: string): void {
  const length = [...normalizePassword(password)].length
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    invalid('/password', `must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters`)
  }
}

function invalid(field: string, message: string): never {
  const errors: FieldError[] = [{ field, message }]
  fail('validation', `Invalid body: ${field.slice(1)} ${message}.`, { errors })
}
