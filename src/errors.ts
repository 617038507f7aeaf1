import type { ProblemCode } from './http/problems.js'

/**
 * What services throw when a request cannot be honoured. It names a problem from the catalog in
 * `http/problems.ts`; the edge handler turns it into RFC 9457 problem+json. Services never build
 * HTTP responses themselves.
 */
export class DomainError extends Error {
  override name = 'DomainError'
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail)
  }
}

export function fail(code: ProblemCode, detail: string, extra?: Record<string, unknown>): never {
  throw new DomainError(code, detail, extra)
}

/**
 * One bad field of a request, carried in a `validation` failure's `errors` (services add it to
 * `fail`'s extra) and rendered as is in the problem. Declared here, not in http/, because services
 * build it.
 */
export interface FieldError {
  /** Where the bad value is: body, query, params or headers. */
  in: string
  /** JSON pointer of the field within that part, e.g. /title. */
  field: string
  message: string
}
