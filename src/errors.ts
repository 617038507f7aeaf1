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
